import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Ack } from '@ehop/protocol';
import { startSfuServer, type SfuServerHandle } from '@ehop/testkit';
import type { SfuClient } from '../src/media/sfu-client.js';
import { DEMO_MEETING_ID, RESTRICTED_MEETING_ID } from '../src/seed/demo-seed.js';
import { closeAllSockets, connectSfuProbe, connectSocket, login, request, startStack, waitFor, type TestStack } from './support/harness.js';
import { browserDtlsParameters, opusMicRtpParameters } from './support/rtp-fixtures.js';

/*
 * What one member may take from everyone else (issue 12, items 3 and 12). The SFU gets only 24
 * RTC ports: every WebRTC transport takes one, so without the caps a member asking for
 * transports in a loop takes them all and nobody, in any meeting, can connect. Two signaling
 * nodes share Redis, as in production. The request limits are small here so a flood is quick;
 * every other test file runs with the defaults and real join sequences.
 */
const RTC_PORTS = 24;
const PER_CONNECTION = 60;
const PER_USER = 100;

let sfu: SfuServerHandle;
let stack: TestStack;
let sfuProbe: SfuClient;
let nodeA: string;
let nodeB: string;

beforeAll(async () => {
  sfu = await startSfuServer({ rtcPorts: RTC_PORTS, env: { SFU_WORKERS: '1', LOG_LEVEL: 'warn' } });
  stack = await startStack({
    sfuUrl: sfu.url,
    sfuSecret: sfu.secret,
    env: {
      SOCKET_REQUESTS_PER_CONNECTION: String(PER_CONNECTION),
      SOCKET_REQUESTS_PER_USER: String(PER_USER),
      // Long enough that no window ends during a test.
      SOCKET_REQUESTS_WINDOW_SEC: '120',
    },
  });
  await stack.addNode();
  [nodeA, nodeB] = stack.nodes.map((node) => node.url) as [string, string];
  sfuProbe = await connectSfuProbe(sfu);
});
afterEach(async () => {
  closeAllSockets();
  await waitFor(async () => (await stack.redis.hLen(`meeting:${DEMO_MEETING_ID}:peers`)) === 0);
  await waitFor(async () => (await stack.redis.hLen(`meeting:${RESTRICTED_MEETING_ID}:peers`)) === 0);
});
afterAll(async () => {
  sfuProbe?.close();
  await stack?.stop();
  await sfu?.stop();
});

async function connectAs(url: string, username: string): Promise<Socket> {
  return connectSocket(url, await login(url, username));
}

async function joinAs(url: string, username: string, meetingId = DEMO_MEETING_ID): Promise<Socket> {
  const socket = await connectAs(url, username);
  const ack = await request(socket, 'meeting:join', { meetingId });
  if (!ack.ok) throw new Error(`${username} could not join: ${ack.error.code}`);
  return socket;
}

function roomStats(roomId: string) {
  return sfuProbe.request('room:stats', { roomId });
}

/** Sends `count` requests at once, as a script would, and sorts the answers by code. */
async function flood(socket: Socket, count: number): Promise<Record<string, Ack<unknown>[]>> {
  const answers = await Promise.all(Array.from({ length: count }, () => request(socket, 'meeting:leave', {})));
  const byCode: Record<string, Ack<unknown>[]> = {};
  for (const answer of answers) (byCode[answer.ok ? 'ok' : answer.error.code] ??= []).push(answer);
  return byCode;
}

describe('media resources (item 3)', () => {
  it("refuses a member's createTransport loop after 4 and a 5th device; a member of another meeting still joins and connects media", async () => {
    const attacker = await joinAs(nodeA, 'daibieu2');
    const loop = await Promise.all(
      Array.from({ length: 30 }, (_, index) => request(attacker, 'media:createTransport', { direction: index % 2 === 0 ? 'send' : 'recv' })),
    );
    expect(loop.filter((answer) => answer.ok)).toHaveLength(4);
    for (const refusal of loop.filter((answer) => !answer.ok)) expect(refusal).toMatchObject({ ok: false, error: { code: 'limit_reached' } });

    // More devices of the same account, on both nodes: 4 peers in all, the 5th is refused.
    const devices = [attacker];
    for (const url of [nodeB, nodeA, nodeB]) devices.push(await joinAs(url, 'daibieu2'));
    const fifth = await connectAs(nodeB, 'daibieu2');
    expect(await request(fifth, 'meeting:join', { meetingId: DEMO_MEETING_ID })).toMatchObject({ ok: false, error: { code: 'limit_reached' } });
    for (const device of devices.slice(1)) {
      await Promise.all(Array.from({ length: 6 }, () => request(device, 'media:createTransport', { direction: 'recv' })));
    }
    expect(await roomStats(DEMO_MEETING_ID)).toMatchObject({ peers: 4, transports: 16 });

    // A member of another meeting joins and gets its media through the same SFU.
    const victim = await joinAs(nodeB, 'diemcau-tinh', RESTRICTED_MEETING_ID);
    const send = await request(victim, 'media:createTransport', { direction: 'send' });
    const recv = await request(victim, 'media:createTransport', { direction: 'recv' });
    if (!send.ok || !recv.ok) throw new Error(`the victim got no transport: ${JSON.stringify([send, recv])}`);
    expect(await request(victim, 'media:connectTransport', { transportId: send.data.id, dtlsParameters: browserDtlsParameters })).toEqual({ ok: true, data: {} });
    const produced = await request(victim, 'media:produce', { transportId: send.data.id, kind: 'audio', source: 'mic', rtpParameters: opusMicRtpParameters(77_777_777) });
    expect(produced.ok).toBe(true);
    expect(await roomStats(RESTRICTED_MEETING_ID)).toMatchObject({ peers: 1, transports: 2, producers: 1 });

    // Leaving frees the user's places: a device can join again.
    attacker.disconnect();
    await waitFor(async () => (await stack.redis.hLen('user:u-daibieu2:peers')) === 3);
    expect((await request(fifth, 'meeting:join', { meetingId: DEMO_MEETING_ID })).ok).toBe(true);
  });
});

describe('request rate limits (item 3)', () => {
  it('answers a flood with rate_limited and the seconds to wait, and leaves other users alone', async () => {
    const flooder = await connectAs(nodeA, 'thuky');
    const answers = await flood(flooder, PER_CONNECTION + 20);
    expect(answers['ok']).toHaveLength(PER_CONNECTION);
    expect(answers['rate_limited']).toHaveLength(20);
    const refusal = answers['rate_limited']![0]!;
    if (refusal.ok) throw new Error('unreachable');
    expect(refusal.error.retryAfterSec).toBeGreaterThanOrEqual(1);
    expect(refusal.error.retryAfterSec).toBeLessThanOrEqual(120);

    const other = await connectAs(nodeA, 'chutri');
    expect(await request(other, 'meeting:leave', {})).toEqual({ ok: true, data: {} });
  });

  it("counts a user's requests on every signaling node together", async () => {
    const onA = await connectAs(nodeA, 'daibieu3');
    const onB = await connectAs(nodeB, 'daibieu3');
    expect((await flood(onA, PER_CONNECTION))['ok']).toHaveLength(PER_CONNECTION);
    // The socket on node B has sent nothing yet, but its user has.
    const fromB = await flood(onB, 50);
    expect(fromB['ok']).toHaveLength(PER_USER - PER_CONNECTION);
    expect(fromB['rate_limited']).toHaveLength(50 - (PER_USER - PER_CONNECTION));
  });
});

describe('strict media messages (item 12)', () => {
  it('refuses a media request with a key the protocol does not know, and nothing reaches the SFU', async () => {
    const socket = await connectAs(nodeA, 'daibieu1');
    expect(await request(socket, 'meeting:join', { meetingId: DEMO_MEETING_ID, peerId: 'chosen-by-me' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    expect(await stack.redis.hLen(`meeting:${DEMO_MEETING_ID}:peers`)).toBe(0);
    expect(await request(socket, 'meeting:join', { meetingId: DEMO_MEETING_ID })).toMatchObject({ ok: true });

    const smuggled = await request(socket, 'media:createTransport', { direction: 'send', roomId: RESTRICTED_MEETING_ID });
    expect(smuggled).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    if (!smuggled.ok) expect(smuggled.error.issues?.[0]?.message).toMatch(/roomId/);
    expect(await roomStats(DEMO_MEETING_ID)).toMatchObject({ peers: 1, transports: 0 });

    const send = await request(socket, 'media:createTransport', { direction: 'send' });
    if (!send.ok) throw new Error(send.error.message);
    const dtls = await request(socket, 'media:connectTransport', { transportId: send.data.id, dtlsParameters: { ...browserDtlsParameters, iceLite: true } });
    expect(dtls).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const rtp = { ...opusMicRtpParameters(88_888_888), keyFrameRequestDelay: 0 };
    const produce = await request(socket, 'media:produce', { transportId: send.data.id, kind: 'audio', source: 'mic', rtpParameters: rtp });
    expect(produce).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await roomStats(DEMO_MEETING_ID)).toMatchObject({ peers: 1, transports: 1, producers: 0 });
    // The same requests without the extra keys go through.
    expect(await request(socket, 'media:connectTransport', { transportId: send.data.id, dtlsParameters: browserDtlsParameters })).toEqual({ ok: true, data: {} });
    expect((await request(socket, 'media:produce', { transportId: send.data.id, kind: 'audio', source: 'mic', rtpParameters: opusMicRtpParameters(88_888_888) })).ok).toBe(true);
  });
});
