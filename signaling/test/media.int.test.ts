import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { PeerInfo, TransportOptions, type ClientResponse } from '@ehop/protocol';
import { sfuHealth, startSfuServer, startSignaling, type SfuServerHandle, type SignalingHandle } from '@ehop/testkit';
import type { SfuClient } from '../src/media/sfu-client.js';
import { DEMO_MEETING_ID } from '../src/seed/demo-seed.js';
import {
  closeAllSockets,
  connectSfuProbe,
  collectEvents,
  connectSocket,
  login,
  nextEvent,
  request,
  sleep,
  startStack,
  waitFor,
  type TestStack,
} from './support/harness.js';
import { opusMicRtpParameters, vp8CameraRtpParameters } from './support/rtp-fixtures.js';

/*
 * Signaling against the real SFU (built from sfu-server/, with a real mediasoup worker) and a
 * real Redis, with two signaling nodes sharing them.
 */
let sfu: SfuServerHandle;
let stack: TestStack;
let sfuProbe: SfuClient;
let nodeA: string;
let nodeB: string;

const TURN_URLS = 'turn:turn.example.vn:3478?transport=udp,turns:turn.example.vn:5349';
const TURN_SECRET = 'media-test-turn-secret';

beforeAll(async () => {
  sfu = await startSfuServer({ env: { SFU_WORKERS: '1', LOG_LEVEL: 'warn' } });
  stack = await startStack({
    sfuUrl: sfu.url,
    sfuSecret: sfu.secret,
    env: { TURN_URLS, TURN_SECRET },
  });
  await stack.addNode();
  [nodeA, nodeB] = stack.nodes.map((node) => node.url) as [string, string];
  sfuProbe = await connectSfuProbe(sfu);
  await waitFor(async () => sfuProbe.connected && (await fetch(`${nodeA}/healthz`)).ok && (await fetch(`${nodeB}/healthz`)).ok);
});
afterEach(async () => {
  closeAllSockets();
  // Disconnect cleanup is asynchronous: let it finish so every test starts from an empty meeting.
  await waitFor(async () => (await stack.redis.hLen(`meeting:${DEMO_MEETING_ID}:peers`)) === 0);
});
afterAll(async () => {
  sfuProbe?.close();
  await stack?.stop();
  await sfu?.stop();
});

type Joined = ClientResponse<'meeting:join'>;

async function joinAs(url: string, username: string): Promise<{ socket: Socket; joined: Joined }> {
  const socket = await connectSocket(url, await login(url, username));
  const ack = await request(socket, 'meeting:join', { meetingId: DEMO_MEETING_ID });
  if (!ack.ok) throw new Error(`${username} could not join: ${ack.error.code} ${ack.error.message}`);
  return { socket, joined: ack.data };
}

async function presence(): Promise<PeerInfo[]> {
  const entries = Object.values(await stack.redis.hGetAll(`meeting:${DEMO_MEETING_ID}:peers`));
  return entries.map((json) => PeerInfo.parse((JSON.parse(json) as { peer: unknown }).peer));
}

async function sfuPeerCount(): Promise<number> {
  const stats = await sfuProbe.request('room:stats', { roomId: DEMO_MEETING_ID }).catch(() => ({ peers: 0 }));
  return stats.peers;
}

describe('joining a meeting', () => {
  it('returns self, the peers already there and the router capabilities, and announces the newcomer', async () => {
    const chair = await joinAs(nodeA, 'chutri');
    expect(chair.joined.peers).toEqual([]);
    expect(chair.joined.self).toMatchObject({
      userId: 'u-chutri',
      role: 'chair',
      micOn: false,
      camOn: false,
      unit: { id: 'tinh-hoa-binh', level: 'province' },
    });
    const codecs = (chair.joined.routerRtpCapabilities!.codecs ?? []).map((codec) => codec['mimeType']);
    expect(codecs).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8']));

    const announced = nextEvent(chair.socket, 'peer:joined');
    const endpoint = await joinAs(nodeA, 'diemcau-xa');
    expect(endpoint.joined.peers).toEqual([chair.joined.self]);
    expect(await announced).toEqual(endpoint.joined.self);
    expect(endpoint.joined.self).toMatchObject({ role: 'endpoint', unit: { name: 'Xã Ân Nghĩa' } });

    const stored = await presence();
    expect(stored.map((peer) => peer.peerId).sort()).toEqual([chair.joined.self.peerId, endpoint.joined.self.peerId].sort());
    expect(await sfuPeerCount()).toBe(2);
  });

  it('announces peers across signaling nodes (Redis adapter)', async () => {
    const onA = await joinAs(nodeA, 'thuky');
    const announced = nextEvent(onA.socket, 'peer:joined');
    const onB = await joinAs(nodeB, 'daibieu1');
    expect((await announced).peerId).toBe(onB.joined.self.peerId);
    expect(onB.joined.peers.map((peer) => peer.peerId)).toEqual([onA.joined.self.peerId]);

    const left = nextEvent(onA.socket, 'peer:left');
    expect(await request(onB.socket, 'meeting:leave', {})).toEqual({ ok: true, data: {} });
    expect(await left).toEqual({ peerId: onB.joined.self.peerId });
  });

  it('gives each device of the same user its own peer', async () => {
    const laptop = await joinAs(nodeA, 'daibieu2');
    const phone = await joinAs(nodeB, 'daibieu2');
    expect(phone.joined.self.peerId).not.toBe(laptop.joined.self.peerId);
    expect(phone.joined.peers.map((peer) => peer.peerId)).toEqual([laptop.joined.self.peerId]);
  });

  it('replaces the old peer when the same socket joins again', async () => {
    const watcher = await joinAs(nodeA, 'chutri');
    const rejoiner = await joinAs(nodeA, 'thuky');
    const left = nextEvent(watcher.socket, 'peer:left');
    const again = await request(rejoiner.socket, 'meeting:join', { meetingId: DEMO_MEETING_ID });
    expect(again.ok).toBe(true);
    expect(await left).toEqual({ peerId: rejoiner.joined.self.peerId });
    expect((await presence()).map((peer) => peer.userId).sort()).toEqual(['u-chutri', 'u-thuky']);
    expect(await sfuPeerCount()).toBe(2);
  });
});

describe('leaving', () => {
  it('on meeting:leave: presence removed, others told, SFU peer closed, media closed for the leaver', async () => {
    const stayer = await joinAs(nodeA, 'chutri');
    const leaver = await joinAs(nodeB, 'diemcau-huyen');
    expect(await sfuPeerCount()).toBe(2);

    const left = nextEvent(stayer.socket, 'peer:left');
    await request(leaver.socket, 'meeting:leave', {});
    expect(await left).toEqual({ peerId: leaver.joined.self.peerId });
    expect((await presence()).map((peer) => peer.peerId)).toEqual([stayer.joined.self.peerId]);
    expect(await sfuPeerCount()).toBe(1);
    expect(await request(leaver.socket, 'media:createTransport', { direction: 'recv' })).toMatchObject({
      ok: false,
      error: { code: 'not_in_meeting' },
    });
  });

  it('on disconnect: the same cleanup', async () => {
    const stayer = await joinAs(nodeA, 'chutri');
    const leaver = await joinAs(nodeA, 'diemcau-tinh');
    const left = nextEvent(stayer.socket, 'peer:left');
    leaver.socket.disconnect();
    expect(await left).toEqual({ peerId: leaver.joined.self.peerId });
    await waitFor(async () => (await presence()).length === 1 && (await sfuPeerCount()) === 1);
  });
});

describe('media relay', () => {
  it('creates transports with the configured TURN servers and time-limited credentials for this user', async () => {
    const { socket } = await joinAs(nodeA, 'daibieu1');
    const ack = await request(socket, 'media:createTransport', { direction: 'send' });
    if (!ack.ok) throw new Error(ack.error.message);
    const transport = TransportOptions.parse(ack.data);
    expect(transport.iceCandidates.length).toBeGreaterThan(0);
    const [server] = transport.iceServers;
    expect(transport.iceServers).toHaveLength(1);
    expect(server!.urls).toEqual(['turn:turn.example.vn:3478?transport=udp', 'turns:turn.example.vn:5349']);
    // coturn's TURN REST API: `expiry:userId`, and base64(HMAC-SHA1(secret, username)).
    const [expiry, userId] = server!.username!.split(':');
    expect(userId).toBe('u-daibieu1');
    expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(11 * 3600);
    expect(server!.credential).toBe(createHmac('sha1', TURN_SECRET).update(server!.username!).digest('base64'));
  });

  it("tells a member the meeting's router capabilities before joining, as media:join will; nobody else, and opens nothing", async () => {
    const member = await connectSocket(nodeA, await login(nodeA, 'daibieu2'));
    const before = await request(member, 'media:capabilities', { meetingId: DEMO_MEETING_ID });
    if (!before.ok) throw new Error(before.error.message);
    expect(before.data.routerRtpCapabilities.codecs!.map((codec) => codec.mimeType)).toContain('video/VP8');
    expect(await request(member, 'meeting:join', { meetingId: DEMO_MEETING_ID, media: false })).toMatchObject({ ok: true });
    const opened = await request(member, 'media:join', {});
    expect(opened.ok && opened.data.routerRtpCapabilities).toEqual(before.data.routerRtpCapabilities);

    const outsider = await connectSocket(nodeA, await login(nodeA, 'admin'));
    expect(await request(outsider, 'media:capabilities', { meetingId: DEMO_MEETING_ID })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(outsider, 'media:capabilities', { meetingId: 'no-such-meeting' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // The SFU answers for a room it has not opened without opening it.
    const unopened = await sfuProbe.request('room:capabilities', { roomId: 'not-opened-yet' });
    expect(unopened.routerRtpCapabilities).toEqual(before.data.routerRtpCapabilities);
    await expect(sfuProbe.request('room:stats', { roomId: 'not-opened-yet' })).rejects.toThrow();
  });

  it('opens the media session with both transports in one answer when asked, and anew on a second open', async () => {
    const socket = await connectSocket(nodeA, await login(nodeA, 'daibieu2'));
    expect(await request(socket, 'meeting:join', { meetingId: DEMO_MEETING_ID, media: false })).toMatchObject({ ok: true });
    const transportsAtSfu = async () => (await sfuProbe.request('room:stats', { roomId: DEMO_MEETING_ID })).transports;
    const before = await transportsAtSfu();
    const opened = await request(socket, 'media:join', { transports: true });
    if (!opened.ok) throw new Error(opened.error.message);
    const { send, recv } = opened.data.transports!;
    expect(send.id).not.toBe(recv.id);
    expect(send.iceCandidates.length).toBeGreaterThan(0);
    expect(recv.iceServers[0]!.username).toMatch(/:u-daibieu2$/);
    expect(await transportsAtSfu()).toBe(before + 2);
    // Opening again replaces the peer and its transports: still two, new ones.
    const again = await request(socket, 'media:join', { transports: true });
    if (!again.ok) throw new Error(again.error.message);
    expect([again.data.transports!.send.id, again.data.transports!.recv.id]).not.toContain(send.id);
    expect(await transportsAtSfu()).toBe(before + 2);
    // Without the flag the answer is as before: capabilities only.
    const plain = await request(socket, 'media:join', {});
    expect(plain.ok && plain.data.transports).toBeUndefined();
  });

  it('publishes a microphone: micOn for everyone, a consumer for the ready peer, pause and resume', async () => {
    const speaker = await joinAs(nodeA, 'chutri');
    const listener = await joinAs(nodeB, 'diemcau-xa');

    // The listener gets ready to receive: a receive transport and its device capabilities.
    const recv = await request(listener.socket, 'media:createTransport', { direction: 'recv' });
    expect(recv.ok).toBe(true);
    const ready = await request(listener.socket, 'media:ready', { rtpCapabilities: listener.joined.routerRtpCapabilities! });
    expect(ready).toEqual({ ok: true, data: {} });

    const send = await request(speaker.socket, 'media:createTransport', { direction: 'send' });
    if (!send.ok) throw new Error(send.error.message);
    const updated = nextEvent(listener.socket, 'peer:updated');
    // Its consumers come in any order (the main-screen feed's among them): the one of this microphone is asserted.
    const announced = collectEvents(listener.socket, 'media:newConsumer');
    const produced = await request(speaker.socket, 'media:produce', {
      transportId: send.data.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opusMicRtpParameters(11_111_111),
    });
    if (!produced.ok) throw new Error(produced.error.message);
    const { producerId } = produced.data;

    expect(await updated).toEqual({ ...speaker.joined.self, micOn: true, camOn: false });
    await waitFor(async () => announced.some((consumer) => consumer.producerId === producerId));
    const newConsumer = announced.find((consumer) => consumer.producerId === producerId)!;
    expect(newConsumer).toMatchObject({ producerId, peerId: speaker.joined.self.peerId, kind: 'audio', source: 'mic' });
    const consumerId = newConsumer.consumerId;
    expect(await request(listener.socket, 'media:resumeConsumer', { consumerId })).toEqual({ ok: true, data: {} });
    expect((await presence()).find((peer) => peer.userId === 'u-chutri')?.micOn).toBe(true);

    const muted = nextEvent(listener.socket, 'peer:updated');
    const consumerPaused = nextEvent(listener.socket, 'media:consumerPaused');
    expect(await request(speaker.socket, 'media:pauseProducer', { producerId })).toEqual({ ok: true, data: {} });
    expect((await muted).micOn).toBe(false);
    expect(await consumerPaused).toEqual({ consumerId });
    expect((await presence()).find((peer) => peer.userId === 'u-chutri')?.micOn).toBe(false);

    const unmuted = nextEvent(listener.socket, 'peer:updated');
    expect(await request(speaker.socket, 'media:resumeProducer', { producerId })).toEqual({ ok: true, data: {} });
    expect((await unmuted).micOn).toBe(true);

    const closedConsumer = nextEvent(listener.socket, 'media:consumerClosed');
    const micOff = nextEvent(listener.socket, 'peer:updated');
    expect(await request(speaker.socket, 'media:closeProducer', { producerId })).toEqual({ ok: true, data: {} });
    expect(await closedConsumer).toEqual({ consumerId });
    expect((await micOff).micOn).toBe(false);
  });

  it('sets camOn for a camera and leaves micOn alone', async () => {
    const { socket, joined } = await joinAs(nodeA, 'diemcau-huyen');
    const send = await request(socket, 'media:createTransport', { direction: 'send' });
    if (!send.ok) throw new Error(send.error.message);
    const updates = collectEvents(socket, 'peer:updated');
    const produced = await request(socket, 'media:produce', {
      transportId: send.data.id,
      kind: 'video',
      source: 'camera',
      rtpParameters: vp8CameraRtpParameters(22_222_222),
    });
    expect(produced.ok).toBe(true);
    await waitFor(() => updates.length === 1);
    expect(updates[0]).toEqual({ ...joined.self, camOn: true, micOn: false });
  });

  it('refuses a track whose kind does not match its source, and producers of other peers', async () => {
    const owner = await joinAs(nodeA, 'chutri');
    const other = await joinAs(nodeA, 'thuky');
    const send = await request(owner.socket, 'media:createTransport', { direction: 'send' });
    if (!send.ok) throw new Error(send.error.message);

    const lying = await request(owner.socket, 'media:produce', {
      transportId: send.data.id,
      kind: 'audio',
      source: 'camera',
      rtpParameters: opusMicRtpParameters(33_333_333),
    });
    expect(lying).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });

    const produced = await request(owner.socket, 'media:produce', {
      transportId: send.data.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opusMicRtpParameters(44_444_444),
    });
    if (!produced.ok) throw new Error(produced.error.message);
    const updates = collectEvents(owner.socket, 'peer:updated');
    const hijack = await request(other.socket, 'media:pauseProducer', { producerId: produced.data.producerId });
    expect(hijack).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await sleep(100);
    expect(updates).toEqual([]);
    expect((await presence()).find((peer) => peer.userId === 'u-chutri')?.micOn).toBe(true);
  });

  it('refuses audio and video from observers', async () => {
    const { socket } = await joinAs(nodeA, 'quansat');
    const send = await request(socket, 'media:createTransport', { direction: 'send' });
    if (!send.ok) throw new Error(send.error.message);
    const ack = await request(socket, 'media:produce', {
      transportId: send.data.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: opusMicRtpParameters(55_555_555),
    });
    expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await presence()).find((peer) => peer.userId === 'u-quansat')?.micOn).toBe(false);
  });

  it('passes the SFU refusal of an unknown transport through as not_found', async () => {
    const { socket } = await joinAs(nodeA, 'daibieu1');
    const ack = await request(socket, 'media:restartIce', { transportId: 'no-such-transport' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('media room lost', () => {
  it('tells every peer of the meeting to restart, exactly once, on whichever node it is', async () => {
    const onA = await joinAs(nodeA, 'chutri');
    const onB = await joinAs(nodeB, 'diemcau-xa');
    const restartsA = collectEvents(onA.socket, 'media:restart');
    const restartsB = collectEvents(onB.socket, 'media:restart');

    const health = await sfuHealth(sfu);
    process.kill(health.workers[0]!.pid, 'SIGKILL');

    await waitFor(() => restartsA.length > 0 && restartsB.length > 0);
    await sleep(200);
    expect(restartsA).toEqual([{ reason: expect.stringContaining('died') }]);
    expect(restartsB).toEqual(restartsA);

    // The client's answer to media:restart is to join again; that works on the replacement worker.
    await waitFor(async () => (await fetch(`${sfu.url}/healthz`)).ok, 10_000);
    const rejoin = await request(onA.socket, 'meeting:join', { meetingId: DEMO_MEETING_ID });
    expect(rejoin.ok).toBe(true);
  });
});

describe('the built server (testkit startSignaling)', () => {
  let built: SignalingHandle | undefined;
  afterAll(() => built?.stop());

  it('on SIGTERM closes its peers at the SFU, removes their presence, tells the others and exits 0', async () => {
    built = await startSignaling({ redisUrl: stack.redisServer.url, sfuUrl: sfu.url, sfuSecret: sfu.secret });
    const stayer = await joinAs(nodeA, 'chutri');
    const leaving = await joinAs(built.url, 'thuky');
    expect(await sfuPeerCount()).toBe(2);

    const left = nextEvent(stayer.socket, 'peer:left');
    const exited = new Promise<number | null>((resolve) => built!.process.once('exit', (code) => resolve(code)));
    built.process.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await left).toEqual({ peerId: leaving.joined.self.peerId });
    expect((await presence()).map((peer) => peer.peerId)).toEqual([stayer.joined.self.peerId]);
    expect(await sfuPeerCount()).toBe(1);
    expect(built.output()).toContain('signaling stopped');
  });
});
