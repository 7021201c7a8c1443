import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportOptions } from '@ehop/protocol';
import { freePort, startSfuServer, type SfuServerHandle } from '@ehop/testkit';
import { turnCredential } from '../src/media/turn-credentials.js';
import { DEMO_MEETING_ID } from '../src/seed/demo-seed.js';
import { closeAllSockets, connectSocket, login, request, startStack, type TestStack } from './support/harness.js';
import { TurnClient } from './support/turn-client.js';
import { startTurnServer, type TurnServerHandle } from './support/turn-server.js';

/*
 * Issue 12, item 8: the TURN server could likely relay to internal services such as Redis, and
 * its password was static. A real coturn runs with the project's configuration
 * (deploy/coturn/turnserver.conf) and the same secret as signaling: the credentials signaling hands
 * to a browser allocate a relay; expired or forged ones do not; and the relay refuses to reach
 * loopback and private addresses (CreatePermission answers 403), except the SFU's own address.
 */
/** The SFU's announced address in an intranet deployment: private, yet the one peer TURN must reach. */
const SFU_ANNOUNCED_IP = '10.20.30.40';
const FORBIDDEN_PEERS = ['127.0.0.1', '10.0.0.1', '10.20.30.41', '172.16.5.4', '192.168.1.10', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1'];

let secret: string;
let turn: TurnServerHandle;
let sfu: SfuServerHandle;
let stack: TestStack;
const clients: TurnClient[] = [];

beforeAll(async () => {
  secret = randomBytes(32).toString('hex');
  const port = await freePort();
  turn = await startTurnServer({ port, secret, allowedPeerIp: SFU_ANNOUNCED_IP });
  sfu = await startSfuServer({ env: { SFU_WORKERS: '1', LOG_LEVEL: 'warn' } });
  stack = await startStack({ sfuUrl: sfu.url, sfuSecret: sfu.secret, env: { TURN_URLS: `turn:127.0.0.1:${port}?transport=udp`, TURN_SECRET: secret } });
});
afterAll(async () => {
  for (const client of clients) client.close();
  closeAllSockets();
  await stack?.stop();
  await sfu?.stop();
  await turn?.stop();
});

function turnClient(username: string, password: string): TurnClient {
  const client = new TurnClient({ host: '127.0.0.1', port: turn.port }, { username, password });
  clients.push(client);
  return client;
}

/** What a browser of `username` gets from signaling with its transport. */
async function iceServerGivenTo(username: string): Promise<{ username: string; credential: string }> {
  const url = stack.nodes[0]!.url;
  const socket = await connectSocket(url, await login(url, username));
  const joined = await request(socket, 'meeting:join', { meetingId: DEMO_MEETING_ID });
  if (!joined.ok) throw new Error(joined.error.message);
  const ack = await request(socket, 'media:createTransport', { direction: 'send' });
  if (!ack.ok) throw new Error(ack.error.message);
  const [server] = TransportOptions.parse(ack.data).iceServers;
  return { username: server!.username!, credential: server!.credential! };
}

describe('TURN credentials from signaling', () => {
  it('allocate a relay on the real coturn', async () => {
    const { username, credential } = await iceServerGivenTo('daibieu1');
    expect(username).toMatch(/^\d+:u-daibieu1$/);
    const allocation = await turnClient(username, credential).allocate();
    expect(allocation).toEqual({ ok: true, relayedAddress: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
  });

  it('stop working once expired, and cannot be forged without the secret', async () => {
    const expired = turnCredential(secret, 'u-daibieu1', Math.floor(Date.now() / 1000) - 60);
    expect(await turnClient(expired.username, expired.credential).allocate()).toMatchObject({ ok: false, errorCode: 401 });
    const forged = turnCredential('not-the-secret', 'u-daibieu1', Math.floor(Date.now() / 1000) + 3600);
    expect(await turnClient(forged.username, forged.credential).allocate()).toMatchObject({ ok: false, errorCode: 401 });
    // Someone else's valid credential with a later expiry written in: the signature no longer matches.
    const { username, credential } = await iceServerGivenTo('daibieu2');
    const stretched = `${Number(username.split(':')[0]) + 86_400}:u-daibieu2`;
    expect(await turnClient(stretched, credential).allocate()).toMatchObject({ ok: false, errorCode: 401 });
  });
});

describe('the relay', () => {
  it('refuses loopback, private, link-local, multicast and other internal peers', async () => {
    const { username, credential } = await iceServerGivenTo('chutri');
    const client = turnClient(username, credential);
    expect((await client.allocate()).ok).toBe(true);
    for (const peer of FORBIDDEN_PEERS) {
      expect(await client.createPermission(peer), peer).toMatchObject({ ok: false, errorCode: 403 });
    }
  });

  it("still reaches the SFU's announced address, allowed on coturn's command line as compose does", async () => {
    const { username, credential } = await iceServerGivenTo('thuky');
    const client = turnClient(username, credential);
    expect((await client.allocate()).ok).toBe(true);
    expect(await client.createPermission(SFU_ANNOUNCED_IP)).toEqual({ ok: true });
  });
});
