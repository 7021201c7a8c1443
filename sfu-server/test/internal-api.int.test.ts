import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sfuHealth, startSfuServer, type SfuServerHandle } from '@ehop/testkit';
import type { RtpCapabilities } from '@ehop/protocol';
import { settle, SignalingLink, waitUntil } from './support/signaling-link.js';
import { browserDtlsParameters, opusMicRtpParameters, vp8CameraRtpParameters } from './support/rtp-fixtures.js';

let sfu: SfuServerHandle;
const links: SignalingLink[] = [];
let roomCounter = 0;

// These tests are about the API's mechanics (ownership, notifications, routing), so they run the
// all-to-all baseline rule with everyone allowed to speak; conference.int.test.ts covers the floor.
/** Short, so the lease tests need not wait long; the default is in sfu-server/README.md. */
const NODE_GRACE_MS = 1_500;

beforeAll(async () => {
  sfu = await startSfuServer({ env: { SFU_FORWARDING: 'all-to-all', SFU_NODE_GRACE_MS: String(NODE_GRACE_MS) } });
});
afterAll(async () => {
  await sfu?.stop();
});
afterEach(() => {
  for (const link of links.splice(0)) link.close();
});

async function connect(nodeId?: string): Promise<SignalingLink> {
  const link = await SignalingLink.connect(sfu.url, sfu.secret, nodeId);
  links.push(link);
  return link;
}

function health(): Promise<{ rooms: number; peers: number }> {
  return sfuHealth(sfu);
}

/** Opens a fresh room, so tests do not see each other's peers. */
async function openRoom(link: SignalingLink) {
  const roomId = `room-${++roomCounter}`;
  const { routerRtpCapabilities } = await link.ok('room:open', { roomId });
  const everyoneSpeaks = { version: 1, speakers: { mode: 'everyone' as const }, main: { userId: null, followActiveSpeaker: false } };
  await link.ok('room:setPolicy', { roomId, policy: everyoneSpeaks });
  return { roomId, routerRtpCapabilities };
}

describe('authentication', () => {
  it('refuses a signaling node with a wrong token or none', async () => {
    await expect(SignalingLink.connect(sfu.url, 'not-the-secret')).rejects.toThrow('unauthenticated');
    await expect(SignalingLink.connect(sfu.url, undefined)).rejects.toThrow('unauthenticated');
  });
});

describe('payload validation', () => {
  it('answers invalid_payload to malformed requests and creates nothing', async () => {
    const link = await connect();
    const before = await health();

    const badRoom = await link.request('room:open', { roomId: 'spaces are not ids' });
    expect(badRoom).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await health()).toMatchObject({ rooms: before.rooms });

    const { roomId } = await openRoom(link);
    await link.ok('peer:open', { roomId, peerId: 'alice' });
    const badTransport = await link.request('transport:create', { roomId, peerId: 'alice', direction: 'sideways' });
    expect(badTransport).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    if (!badTransport.ok) expect(badTransport.error.issues?.map((issue) => issue.path)).toContain('direction');
    expect(await link.ok('room:stats', { roomId })).toEqual({ peers: 1, transports: 0, producers: 0, consumers: 0 });
  });

  it('refuses a request carrying a key the protocol does not know, and creates nothing', async () => {
    const link = await connect();
    const { roomId } = await openRoom(link);
    await link.ok('peer:open', { roomId, peerId: 'alice' });
    const smuggled = await link.request('transport:create', { roomId, peerId: 'alice', direction: 'send', listenIps: [{ ip: '0.0.0.0' }] });
    expect(smuggled).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const send = await link.ok('transport:create', { roomId, peerId: 'alice', direction: 'send' });
    const producer = await link.request('producer:create', {
      roomId, peerId: 'alice', transportId: send.id, kind: 'audio', source: 'mic', paused: false,
      rtpParameters: { ...opusMicRtpParameters, keyFrameRequestDelay: 0 },
    });
    expect(producer).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await link.ok('room:stats', { roomId })).toEqual({ peers: 1, transports: 1, producers: 0, consumers: 0 });
  });

  it('answers invalid_payload when mediasoup rejects the RTP parameters, and creates no producer', async () => {
    const link = await connect();
    const { roomId } = await openRoom(link);
    await link.ok('peer:open', { roomId, peerId: 'alice' });
    const send = await link.ok('transport:create', { roomId, peerId: 'alice', direction: 'send' });
    const h265 = { ...vp8CameraRtpParameters, codecs: [{ mimeType: 'video/H265', payloadType: 100, clockRate: 90000 }] };
    const result = await link.request('producer:create', {
      roomId, peerId: 'alice', transportId: send.id, kind: 'video', rtpParameters: h265, source: 'camera', paused: false,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await link.ok('room:stats', { roomId })).toMatchObject({ producers: 0 });
  });

  it('refuses plain RTP transports (a benchmark tool) unless the SFU was started with them enabled', async () => {
    const link = await connect();
    const { roomId } = await openRoom(link);
    await link.ok('peer:open', { roomId, peerId: 'alice' });
    expect(await link.request('plain:createTransport', { roomId, peerId: 'alice', direction: 'send' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await link.ok('room:stats', { roomId })).toMatchObject({ transports: 0 });
  });

  it('answers not_found for a room that was never opened', async () => {
    const link = await connect();
    expect(await link.request('peer:open', { roomId: 'never-opened', peerId: 'alice' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('a meeting with two peers', () => {
  it('forwards what one peer sends to the other, and enforces who owns what', async () => {
    const link = await connect();
    const { roomId, routerRtpCapabilities } = await openRoom(link);
    expect(routerRtpCapabilities.codecs?.map((codec) => codec['mimeType'])).toEqual(
      expect.arrayContaining(['audio/opus', 'video/VP8', 'video/H264']),
    );
    await link.ok('peer:open', { roomId, peerId: 'alice' });
    await link.ok('peer:open', { roomId, peerId: 'bob' });

    // Bob is ready to receive: he knows the router's codecs and has a receive transport.
    await link.ok('peer:setRtpCapabilities', { roomId, peerId: 'bob', rtpCapabilities: routerRtpCapabilities });
    const bobRecv = await link.ok('transport:create', { roomId, peerId: 'bob', direction: 'recv' });
    expect(bobRecv.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    expect(bobRecv.iceParameters.usernameFragment).toBeTruthy();
    expect(new Set(bobRecv.iceCandidates.map((candidate) => candidate.protocol))).toEqual(new Set(['udp', 'tcp']));
    expect(bobRecv.iceCandidates.every((candidate) => candidate.ip === '127.0.0.1')).toBe(true);
    await link.ok('transport:connect', { roomId, peerId: 'bob', transportId: bobRecv.id, dtlsParameters: browserDtlsParameters });

    // Alice publishes camera and microphone on an (unconnected) send transport.
    const aliceSend = await link.ok('transport:create', { roomId, peerId: 'alice', direction: 'send' });
    const { producerId: cameraId } = await link.ok('producer:create', {
      roomId, peerId: 'alice', transportId: aliceSend.id, kind: 'video', rtpParameters: vp8CameraRtpParameters, source: 'camera', paused: false,
    });
    const { producerId: micId } = await link.ok('producer:create', {
      roomId, peerId: 'alice', transportId: aliceSend.id, kind: 'audio', rtpParameters: opusMicRtpParameters, source: 'mic', paused: true,
    });

    const announced = await link.waitForNotifications('bob', 'media:newConsumer', 2);
    const consumers = announced.map(({ roomId: room, notification }) => {
      expect(room).toBe(roomId);
      if (notification.event !== 'media:newConsumer') throw new Error('unreachable');
      return notification.payload;
    });
    expect(consumers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ producerId: cameraId, kind: 'video', source: 'camera', peerId: 'alice', producerPaused: false }),
        expect.objectContaining({ producerId: micId, kind: 'audio', source: 'mic', peerId: 'alice', producerPaused: true }),
      ]),
    );
    const camera = consumers.find((consumer) => consumer.producerId === cameraId)!;
    expect(camera.rtpParameters.codecs[0]).toMatchObject({ mimeType: 'video/VP8' });
    expect(await link.ok('room:stats', { roomId })).toEqual({ peers: 2, transports: 2, producers: 2, consumers: 2 });
    // Alice is not ready to receive, and nobody ever receives their own tracks.
    expect(link.notificationsFor('alice')).toEqual([]);

    // Only the consumer's owner may resume it.
    expect(await link.request('consumer:resume', { roomId, peerId: 'alice', consumerId: camera.consumerId })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await link.request('consumer:resume', { roomId, peerId: 'bob', consumerId: 'no-such-consumer' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    await link.ok('consumer:resume', { roomId, peerId: 'bob', consumerId: camera.consumerId });
    expect(await link.request('producer:pause', { roomId, peerId: 'bob', producerId: cameraId })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(
      await link.request('transport:connect', { roomId, peerId: 'bob', transportId: bobRecv.id, dtlsParameters: browserDtlsParameters }),
    ).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // Alice's track changes reach Bob.
    await link.ok('producer:pause', { roomId, peerId: 'alice', producerId: cameraId });
    await link.waitForNotifications('bob', 'media:consumerPaused');
    await link.ok('producer:resume', { roomId, peerId: 'alice', producerId: micId });
    const resumed = await link.waitForNotifications('bob', 'media:consumerResumed');
    const mic = consumers.find((consumer) => consumer.producerId === micId)!;
    expect(resumed[0]?.notification.payload).toEqual({ consumerId: mic.consumerId });
    await link.ok('producer:close', { roomId, peerId: 'alice', producerId: cameraId });
    const closed = await link.waitForNotifications('bob', 'media:consumerClosed');
    expect(closed[0]?.notification.payload).toEqual({ consumerId: camera.consumerId });
    expect(await link.ok('room:stats', { roomId })).toEqual({ peers: 2, transports: 2, producers: 1, consumers: 1 });

    // Bob leaves: his transport and consumers go; nobody is told about consumers of a peer that left.
    const notificationsBefore = link.notifications.length;
    await link.ok('peer:close', { roomId, peerId: 'bob' });
    expect(await link.ok('room:stats', { roomId })).toEqual({ peers: 1, transports: 1, producers: 1, consumers: 0 });
    await settle(100);
    expect(link.notifications.slice(notificationsBefore)).toEqual([]);
  });

  it('gives a late joiner the tracks already published, once it is ready', async () => {
    const link = await connect();
    const { roomId, routerRtpCapabilities } = await openRoom(link);
    await link.ok('peer:open', { roomId, peerId: 'alice' });
    const aliceSend = await link.ok('transport:create', { roomId, peerId: 'alice', direction: 'send' });
    const { producerId } = await link.ok('producer:create', {
      roomId, peerId: 'alice', transportId: aliceSend.id, kind: 'audio', rtpParameters: opusMicRtpParameters, source: 'mic', paused: false,
    });

    await link.ok('peer:open', { roomId, peerId: 'carol' });
    await link.ok('peer:setRtpCapabilities', { roomId, peerId: 'carol', rtpCapabilities: routerRtpCapabilities });
    await settle(100);
    expect(link.notificationsFor('carol')).toEqual([]); // no receive transport yet
    await link.ok('transport:create', { roomId, peerId: 'carol', direction: 'recv' });
    const [announced] = await link.waitForNotifications('carol', 'media:newConsumer');
    expect(announced?.notification.payload).toMatchObject({ producerId, peerId: 'alice', kind: 'audio' });
  });

  it('does not forward a track to a peer whose codecs cannot decode it', async () => {
    const link = await connect();
    const { roomId, routerRtpCapabilities } = await openRoom(link);
    const audioOnly: RtpCapabilities = {
      ...routerRtpCapabilities,
      codecs: routerRtpCapabilities.codecs?.filter((codec) => codec['kind'] === 'audio'),
    };
    await link.ok('peer:open', { roomId, peerId: 'alice' });
    await link.ok('peer:open', { roomId, peerId: 'dave' });
    await link.ok('peer:setRtpCapabilities', { roomId, peerId: 'dave', rtpCapabilities: audioOnly });
    await link.ok('transport:create', { roomId, peerId: 'dave', direction: 'recv' });
    const aliceSend = await link.ok('transport:create', { roomId, peerId: 'alice', direction: 'send' });
    const base = { roomId, peerId: 'alice', transportId: aliceSend.id, paused: false } as const;
    await link.ok('producer:create', { ...base, kind: 'video', rtpParameters: vp8CameraRtpParameters, source: 'camera' });
    const { producerId: micId } = await link.ok('producer:create', { ...base, kind: 'audio', rtpParameters: opusMicRtpParameters, source: 'mic' });

    const [announced] = await link.waitForNotifications('dave', 'media:newConsumer');
    expect(announced?.notification.payload).toMatchObject({ producerId: micId });
    await settle(200);
    expect(link.notificationsFor('dave', 'media:newConsumer')).toHaveLength(1);
  });

  it('sends each peer notifications through the signaling connection that opened it', async () => {
    const first = await connect();
    const second = await connect();
    const { roomId, routerRtpCapabilities } = await openRoom(first);
    await first.ok('peer:open', { roomId, peerId: 'alice' });
    await second.ok('peer:open', { roomId, peerId: 'bob' });
    await second.ok('peer:setRtpCapabilities', { roomId, peerId: 'bob', rtpCapabilities: routerRtpCapabilities });
    await second.ok('transport:create', { roomId, peerId: 'bob', direction: 'recv' });
    const aliceSend = await first.ok('transport:create', { roomId, peerId: 'alice', direction: 'send' });
    await first.ok('producer:create', {
      roomId, peerId: 'alice', transportId: aliceSend.id, kind: 'audio', rtpParameters: opusMicRtpParameters, source: 'mic', paused: false,
    });

    await second.waitForNotifications('bob', 'media:newConsumer');
    await settle(100);
    expect(first.notifications).toEqual([]);
  });
});

describe('peers belong to a live signaling node (lease and grace period)', () => {
  async function roomWithPeers(owner: SignalingLink, survivor: SignalingLink) {
    const { roomId } = await openRoom(survivor);
    await owner.ok('peer:open', { roomId, peerId: 'ghost-1', userId: 'u-1' });
    await owner.ok('peer:open', { roomId, peerId: 'ghost-2', userId: 'u-2' });
    await survivor.ok('peer:open', { roomId, peerId: 'alive', userId: 'u-3' });
    return roomId;
  }

  it('closes the peers of a node that is gone for longer than the grace period, and tells the other nodes', async () => {
    const dying = await connect('node-dying');
    const survivor = await connect('node-survivor');
    const roomId = await roomWithPeers(dying, survivor);
    expect(await survivor.ok('room:stats', { roomId })).toMatchObject({ peers: 3 });

    const goneAt = Date.now();
    dying.close();
    await settle(NODE_GRACE_MS / 2);
    // Still there during the grace period: the node may only be reconnecting.
    expect(await survivor.ok('room:stats', { roomId })).toMatchObject({ peers: 3 });

    const notice = await waitUntil(() => survivor.closedPeers.find((closed) => closed.nodeId === 'node-dying'), 5_000, 'peers:closed');
    expect(Date.now() - goneAt).toBeGreaterThanOrEqual(NODE_GRACE_MS - 50);
    expect(notice).toEqual({
      nodeId: 'node-dying',
      reason: 'signaling_node_lost',
      peers: expect.arrayContaining([{ roomId, peerId: 'ghost-1' }, { roomId, peerId: 'ghost-2' }]),
    });
    expect(await survivor.ok('room:stats', { roomId })).toMatchObject({ peers: 1 });
    expect(await survivor.ok('node:peers', {})).toEqual({ peers: [{ roomId, peerId: 'alive' }] });
  });

  it('keeps the peers of a node that reconnects with the same id within the grace period', async () => {
    const blinking = await connect('node-blinking');
    const survivor = await connect('node-steady');
    const roomId = await roomWithPeers(blinking, survivor);

    blinking.close();
    await settle(NODE_GRACE_MS / 3);
    const back = await connect('node-blinking');
    await settle(NODE_GRACE_MS + 300);

    expect(survivor.closedPeers.filter((closed) => closed.nodeId === 'node-blinking')).toEqual([]);
    expect(await survivor.ok('room:stats', { roomId })).toMatchObject({ peers: 3 });
    const owned = await back.ok('node:peers', {});
    expect(owned.peers).toEqual(expect.arrayContaining([{ roomId, peerId: 'ghost-1' }, { roomId, peerId: 'ghost-2' }]));
    expect(owned.peers).toHaveLength(2);
  });

  it('tells the next node to connect when no node was there to hear it (the only one was restarting)', async () => {
    // The probes without a node id (benchmarks', tests') are not signaling nodes: they hear nothing.
    const probe = await connect();
    const dying = await connect('node-alone');
    const { roomId } = await openRoom(probe);
    await dying.ok('peer:open', { roomId, peerId: 'orphan', userId: 'u-1' });
    dying.close();
    await settle(NODE_GRACE_MS + 500);
    expect(probe.closedPeers).toEqual([]);
    expect(await probe.ok('room:stats', { roomId })).toMatchObject({ peers: 0 });

    const restarted = await connect('node-restarted');
    // (Earlier tests' nodes may be in the backlog too.)
    const notice = await waitUntil(() => restarted.closedPeers.find((closed) => closed.nodeId === 'node-alone'), 3_000, 'pending peers:closed');
    expect(notice).toMatchObject({ reason: 'signaling_node_lost', peers: [{ roomId, peerId: 'orphan' }] });
  });
});
