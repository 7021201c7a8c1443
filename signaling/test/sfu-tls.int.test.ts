import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportOptions } from '@ehop/protocol';
import { getJson, selfSignedCertificate, sfuHealth, startSfuServer, startSignaling, type CertificateFiles, type SfuServerHandle, type SignalingHandle } from '@ehop/testkit';
import { DEMO_MEETING_ID } from '../src/seed/demo-seed.js';
import { closeAllSockets, connectSocket, login, request, startStack, waitFor, type TestStack } from './support/harness.js';

/*
 * Issue 12, item 12: the SFU's internal API over TLS (SFU_TLS_CERT_FILE/KEY_FILE), signaling
 * trusting it through an https SFU_URL and SFU_CA_FILE, so the shared secret and every media
 * negotiation cross the network encrypted, and only to the real SFU.
 */
let certDir: string;
let certificate: CertificateFiles;
let sfu: SfuServerHandle;
let stack: TestStack;

beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), 'ehop-sfu-tls-'));
  certificate = await selfSignedCertificate(certDir);
  sfu = await startSfuServer({ tls: certificate, env: { SFU_WORKERS: '1', LOG_LEVEL: 'warn' } });
  stack = await startStack({ sfuUrl: sfu.url, sfuSecret: sfu.secret, env: { SFU_CA_FILE: certificate.caFile } });
});
afterAll(async () => {
  closeAllSockets();
  await stack?.stop();
  await sfu?.stop();
  await rm(certDir, { recursive: true, force: true });
});

describe('the SFU over TLS', () => {
  it('serves its internal API over https only', async () => {
    expect(sfu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await sfuHealth(sfu)).toMatchObject({ status: 'ok', workers: [expect.anything()] });
    await expect(getJson(sfu.url.replace('https:', 'http:') + '/healthz')).rejects.toThrow();
  });

  it('carries a meeting: signaling trusts the SFU_CA_FILE, joins and negotiates media', async () => {
    const url = stack.nodes[0]!.url;
    await waitFor(async () => (await fetch(`${url}/healthz`)).ok);
    const socket = await connectSocket(url, await login(url, 'daibieu1'));
    const joined = await request(socket, 'meeting:join', { meetingId: DEMO_MEETING_ID });
    expect(joined.ok).toBe(true);
    const transport = await request(socket, 'media:createTransport', { direction: 'recv' });
    if (!transport.ok) throw new Error(transport.error.message);
    expect(TransportOptions.parse(transport.data).iceCandidates.length).toBeGreaterThan(0);
  });
});

describe('a signaling node that does not trust the certificate', () => {
  let untrusting: SignalingHandle | undefined;
  afterAll(() => untrusting?.stop());

  it('does not connect (nor send its secret): /healthz says the SFU is unreachable', async () => {
    untrusting = await startSignaling({ redisUrl: stack.redisServer.url, sfuUrl: sfu.url, sfuSecret: sfu.secret, requireHealthy: false });
    await waitFor(() => untrusting!.output().includes('cannot connect to the SFU'));
    expect(untrusting.output()).toMatch(/"cause":"self[- ]signed certificate"/);
    const health = await getJson(`${untrusting.url}/healthz`);
    expect(health).toMatchObject({ status: 503, body: { checks: { sfu: false } } });
    expect((await sfuHealth(sfu)).signalingConnections).toBe(1);
  }, 60_000);
});
