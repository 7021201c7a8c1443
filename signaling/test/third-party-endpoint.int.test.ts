import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { startSfuServer, type SfuServerHandle } from '@ehop/testkit';
import { DEMO_MEETING_ID } from '../src/seed/demo-seed.js';
import { closeAllSockets, connectSocket, login, request, startStack, waitFor, type TestStack } from './support/harness.js';
import { opusMicRtpParameters, vp8CameraRtpParameters } from './support/rtp-fixtures.js';

/*
 * A hall endpoint written from docs/CLIENT-CONTRACT.md alone: plain fetch and socket.io-client,
 * event names and payloads as the document gives them (no protocol types, no harness helpers for
 * the endpoint itself). The chair on the other side is the tests' usual client. Real Redis, real
 * SFU with a real mediasoup worker.
 */
let sfu: SfuServerHandle;
let stack: TestStack;
let url: string;

beforeAll(async () => {
  sfu = await startSfuServer({ env: { SFU_WORKERS: '1', LOG_LEVEL: 'warn' } });
  stack = await startStack({ sfuUrl: sfu.url, sfuSecret: sfu.secret });
  url = stack.nodes[0]!.url;
  await waitFor(async () => (await fetch(`${url}/healthz`)).ok);
});
afterAll(async () => {
  closeAllSockets();
  for (const socket of sockets) socket.close();
  await stack?.stop();
  await sfu?.stop();
});

// ---- the endpoint, as the document describes it ----------------------------------------------

type Answer = { ok: true; data: Record<string, unknown> } | { ok: false; error: { code: string; message: string } };

/** Step 1: POST /api/auth/login; keep `ehop.sid=<value>` from Set-Cookie. */
async function signIn(username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(response.status).toBe(200);
  const setCookie = response.headers.getSetCookie().find((header) => header.startsWith('ehop.sid='));
  expect(setCookie).toBeDefined();
  return setCookie!.split(';')[0]!;
}

/** Step 2: socket.io on the same origin, the cookie in the handshake's headers. */
function openSocket(cookie: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}
const sockets: Socket[] = [];

function ask(socket: Socket, event: string, payload: object): Promise<Answer> {
  return socket.timeout(10_000).emitWithAck(event, payload) as Promise<Answer>;
}

async function data(socket: Socket, event: string, payload: object): Promise<Record<string, unknown>> {
  const answer = await ask(socket, event, payload);
  if (!answer.ok) throw new Error(`${event}: ${answer.error.code} ${answer.error.message}`);
  return answer.data;
}

interface NewConsumer {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  feed?: 'main';
}

/** DTLS parameters as a WebRTC stack would send them (the SFU checks the shape, not the handshake here). */
const clientDtls = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }] };

describe('a hall endpoint built from docs/CLIENT-CONTRACT.md', () => {
  it('signs in, joins, opens its media, receives the chair, unmutes when given the floor, rejoins after a reconnect', async () => {
    // The chair, already in the meeting with a microphone and a camera.
    const chair = await connectSocket(url, await login(url, 'chutri'));
    const chairJoin = await request(chair, 'meeting:join', { meetingId: DEMO_MEETING_ID });
    if (!chairJoin.ok) throw new Error(chairJoin.error.message);
    const chairSend = await request(chair, 'media:createTransport', { direction: 'send' });
    if (!chairSend.ok) throw new Error(chairSend.error.message);
    const chairMic = await request(chair, 'media:produce', { transportId: chairSend.data.id, kind: 'audio', rtpParameters: opusMicRtpParameters(1111), source: 'mic' });
    const chairCam = await request(chair, 'media:produce', { transportId: chairSend.data.id, kind: 'video', rtpParameters: vp8CameraRtpParameters(2222), source: 'camera' });
    if (!chairMic.ok || !chairCam.ok) throw new Error('the chair could not publish');
    const chairPeerId = chairJoin.data.self.peerId;

    // 1-2. Sign in and connect.
    const cookie = await signIn('diemcau-xa', 'ehop-demo-2026');
    const endpoint = await openSocket(cookie);
    const consumers: NewConsumer[] = [];
    endpoint.on('media:newConsumer', (consumer: NewConsumer) => consumers.push(consumer));

    // 3. Join the meeting with media: the chair is in `peers`, with the SFU's capabilities.
    const joined = await data(endpoint, 'meeting:join', { meetingId: DEMO_MEETING_ID });
    const peers = joined['peers'] as { peerId: string; userId: string; micOn: boolean; camOn: boolean }[];
    expect(peers).toContainEqual(expect.objectContaining({ peerId: chairPeerId, userId: 'u-chutri', camOn: true }));
    const routerRtpCapabilities = joined['routerRtpCapabilities'] as { codecs: unknown[] };
    expect(routerRtpCapabilities.codecs.length).toBeGreaterThan(0);

    // 4. Transports (receive, then send), connected with the endpoint's DTLS parameters.
    const recv = await data(endpoint, 'media:createTransport', { direction: 'recv' });
    const send = await data(endpoint, 'media:createTransport', { direction: 'send' });
    expect(recv).toMatchObject({ id: expect.any(String), iceParameters: expect.any(Object), dtlsParameters: expect.any(Object) });
    await data(endpoint, 'media:connectTransport', { transportId: recv['id'], dtlsParameters: clientDtls });

    // 5. media:ready: nothing was sent before it; after it the main-screen feed and the chair's voice arrive.
    expect(consumers).toEqual([]);
    await data(endpoint, 'media:ready', { rtpCapabilities: routerRtpCapabilities });
    await waitFor(() => consumers.some((c) => c.feed === 'main' && c.kind === 'video') && consumers.some((c) => c.producerId === chairMic.data.producerId));
    expect(consumers.find((c) => c.feed === 'main')).toMatchObject({ peerId: 'main-feed' });
    // The chair's camera as a thumbnail only once the endpoint shows it (conference:setView).
    expect(consumers.some((c) => c.producerId === chairCam.data.producerId)).toBe(false);
    await data(endpoint, 'conference:setView', { thumbnails: [chairPeerId] });
    await waitFor(() => consumers.some((c) => c.producerId === chairCam.data.producerId));
    // 6. Each consumer is created paused: media:resumeConsumer starts it.
    for (const consumer of consumers) await data(endpoint, 'media:resumeConsumer', { consumerId: consumer.consumerId });

    // 7. Its microphone: asked unpaused, created paused (it does not hold the floor); unmuting is refused.
    const mic = await data(endpoint, 'media:produce', { transportId: send['id'], kind: 'audio', rtpParameters: opusMicRtpParameters(3333), source: 'mic', paused: false });
    const refused = await ask(endpoint, 'media:resumeProducer', { producerId: mic['producerId'] as string });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // 8. The chair's console without media gives it the floor: the server resumes the microphone and says so.
    const chairConsole = await connectSocket(url, await login(url, 'chutri'));
    expect(await request(chairConsole, 'meeting:join', { meetingId: DEMO_MEETING_ID, media: false })).toMatchObject({ ok: true });
    const resumed = new Promise((resolve) => endpoint.once('media:producerResumed', resolve));
    expect(await request(chairConsole, 'floor:grant', { userId: 'u-diemcau-xa' })).toMatchObject({ ok: true });
    expect(await resumed).toEqual({ producerId: mic['producerId'], source: 'mic' });

    // 9. A new connection is a new socket: the server forgot the join; meeting:join again, new peerId.
    endpoint.disconnect();
    const again = await openSocket(cookie);
    expect(await ask(again, 'media:join', {})).toMatchObject({ ok: false, error: { code: 'not_in_meeting' } });
    const rejoined = await data(again, 'meeting:join', { meetingId: DEMO_MEETING_ID });
    expect((rejoined['self'] as { peerId: string }).peerId).not.toBe((joined['self'] as { peerId: string }).peerId);
    // The floor is kept by user, across the reconnection.
    const conference = await data(again, 'conference:get', {});
    expect(conference['state']).toMatchObject({ holder: { userId: 'u-diemcau-xa' } });
  });
});
