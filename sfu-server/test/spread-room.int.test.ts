import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { types } from 'mediasoup';
import { freePortBlock, PLAIN_OPUS_PAYLOAD_TYPE, PLAIN_VP8_PAYLOAD_TYPE, plainCameraRtpParameters, plainMicRtpParameters } from '@ehop/testkit';
import type { ConsumerOptions, MediaPolicy, PeerNotification, RtpCapabilities, RtpParameters } from '@ehop/protocol';
import { WorkerPool } from '../src/media/worker-pool.js';
import { RoomRegistry } from '../src/media/room-registry.js';
import type { MediaRoom } from '../src/media/media-room.js';
import { settle, waitUntil } from './support/signaling-link.js';
import { RtpReceiver, RtpSender } from './support/rtp-socket.js';

/*
 * One meeting over two real mediasoup workers (SFU_ROOM_SPREAD=spread): peers land on different
 * workers, and a track is piped to the other worker's router once, before anyone there consumes
 * it. Synthetic endpoints on plain RTP transports send and count the media, as in
 * conference.int.test.ts, but the room is driven in-process to see which router holds what.
 */
const log = pino({ level: 'silent' });
const LAYER_LINGER_MS = 1_000;
let pool: WorkerPool;
let registry: RoomRegistry;
const notifications: { roomId: string; peerId: string; notification: PeerNotification }[] = [];
const sockets: { close(): void }[] = [];
let roomCounter = 0;
let ssrcCounter = 5_000;

beforeAll(async () => {
  const firstPort = await freePortBlock(100);
  pool = await WorkerPool.start({ size: 2, rtcMinPort: firstPort, rtcMaxPort: firstPort + 99, webRtc: { listenIp: '127.0.0.1', announcedIp: undefined, firstPort: 0 } }, log);
  registry = new RoomRegistry(pool, { plainListenIp: { ip: '127.0.0.1' }, initialAvailableOutgoingBitrate: 1_000_000, maxIncomingBitrate: 5_000_000 }, log, {
    spread: 'spread',
    layerLingerMs: LAYER_LINGER_MS,
  });
  registry.on('peerNotification', (roomId, peerId, notification) => notifications.push({ roomId, peerId, notification }));
});
afterAll(async () => {
  registry?.closeAll();
  await pool?.close();
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
  registry.closeAll();
});

function policy(mainUserId: string | null, speakers: string[] | 'everyone' = 'everyone'): MediaPolicy {
  return { version: 1, speakers: speakers === 'everyone' ? { mode: 'everyone' } : { mode: 'listed', userIds: speakers }, main: { userId: mainUserId, followActiveSpeaker: false }, floorHolderUserId: null, upcomingUserIds: [] };
}

/*
 * Where peers land is deterministic: the home router goes to the first worker (no meetings yet),
 * and each peer to the worker with the fewest peers, then the fewest meetings, then the first: so
 * the first peer goes to the second worker, the second to the first, the third to the first too
 * (a tie: both carry the room now), the fourth to the second.
 */
async function openRoom(mainUserId: string | null, speakers: string[] | 'everyone' = 'everyone'): Promise<MediaRoom> {
  const room = await registry.open(`spread-${++roomCounter}`);
  await room.setPolicy(policy(mainUserId, speakers));
  return room;
}

function told(room: MediaRoom, peerId: string, event: PeerNotification['event']): PeerNotification[] {
  return notifications.filter((entry) => entry.roomId === room.id && entry.peerId === peerId && entry.notification.event === event).map((entry) => entry.notification);
}

/** A peer publishing a microphone (sending) and optionally a camera (sending, or a silent simulcast one). */
async function speaker(room: MediaRoom, peerId: string, options: { camera?: 'sending' | 'simulcast'; /** Before it publishes. */ placed?: (router: types.Router) => void } = {}) {
  room.openPeer(peerId, `u-${peerId}`);
  const micTransport = await room.createPlainTransport(peerId, 'send');
  options.placed?.(room.peer(peerId).router!);
  const micSsrc = ++ssrcCounter;
  const mic = await room.produce(peerId, { transportId: micTransport.id, kind: 'audio', rtpParameters: plainMicRtpParameters(micSsrc) as RtpParameters, source: 'mic', paused: false });
  const sender = new RtpSender();
  sockets.push(sender);
  sender.start(micTransport.port, PLAIN_OPUS_PAYLOAD_TYPE, micSsrc);
  let cameraId: string | undefined;
  if (options.camera) {
    const cameraTransport = await room.createPlainTransport(peerId, 'send');
    const ssrc = ++ssrcCounter;
    const rtpParameters = plainCameraRtpParameters(options.camera === 'simulcast' ? [ssrc, ++ssrcCounter] : ssrc) as RtpParameters;
    cameraId = (await room.produce(peerId, { transportId: cameraTransport.id, kind: 'video', rtpParameters, source: 'camera', paused: false })).producerId;
    if (options.camera === 'sending') {
      const video = new RtpSender();
      sockets.push(video);
      video.startCamera(cameraTransport.port, PLAIN_VP8_PAYLOAD_TYPE, ssrc, 10, 200);
    }
  }
  return { peerId, micId: mic.producerId, cameraId, router: room.peer(peerId).router! };
}

/** A peer receiving on a UDP socket. */
async function listener(room: MediaRoom, peerId: string) {
  const socket = new RtpReceiver();
  sockets.push(socket);
  const port = await socket.bind();
  room.openPeer(peerId, `u-${peerId}`);
  room.setRtpCapabilities(peerId, room.rtpCapabilities as RtpCapabilities);
  await room.createPlainTransport(peerId, 'recv', { ip: '127.0.0.1', port });
  const announced = (matches: (consumer: ConsumerOptions) => boolean) =>
    told(room, peerId, 'media:newConsumer')
      .flatMap((notification) => (notification.event === 'media:newConsumer' && matches(notification.payload) ? [notification.payload] : []))
      .at(-1);
  const consumerOf = (producerId: string) => announced((consumer) => consumer.producerId === producerId);
  const resume = (consumer: ConsumerOptions) => room.peer(peerId).resumeConsumer(consumer.consumerId);
  const ssrcOf = (consumer: ConsumerOptions | undefined) => consumer?.rtpParameters.encodings?.[0]?.['ssrc'];
  return {
    peerId,
    router: room.peer(peerId).router!,
    consumerOf,
    async accept(producerId: string) {
      const consumer = await waitUntil(() => consumerOf(producerId), 5_000, `a consumer of ${producerId} for ${peerId}`);
      await resume(consumer);
      return consumer;
    },
    async acceptFeedPicture() {
      const consumer = await waitUntil(() => announced((candidate) => candidate.feed === 'main' && candidate.kind === 'video'), 5_000, `the feed's picture for ${peerId}`);
      await resume(consumer);
      return consumer;
    },
    packetsOf(consumer: ConsumerOptions | undefined): number {
      const ssrc = ssrcOf(consumer);
      return typeof ssrc === 'number' ? socket.packetsFrom(ssrc) : 0;
    },
  };
}

/** Counts the pipes `router` makes, by producer id (the real pipeToRouter runs). */
function countPipesFrom(router: types.Router): Map<string, number> {
  const counts = new Map<string, number>();
  const pipeToRouter = router.pipeToRouter.bind(router);
  router.pipeToRouter = (options) => {
    if (options.producerId) counts.set(options.producerId, (counts.get(options.producerId) ?? 0) + 1);
    return pipeToRouter(options);
  };
  return counts;
}

describe('a meeting spread over two workers', () => {
  it('puts peers on different workers and pipes a track once to the far router, however many consume it there', async () => {
    const room = await openRoom(null);
    let pipes = new Map<string, number>();
    const talker = await speaker(room, 'talker', { placed: (router) => (pipes = countPipesFrom(router)) });
    const far = [await listener(room, 'far-1'), await listener(room, 'far-2')];
    const near = await listener(room, 'near');
    // The talker and 'near' share one worker, the far listeners the other.
    expect(far[0]!.router).not.toBe(talker.router);
    expect(far[1]!.router).toBe(far[0]!.router);
    expect(near.router).toBe(talker.router);
    expect(room.routers.all()).toHaveLength(2);
    expect([...pool.seatedPeers().values()].sort()).toEqual([2, 2]);

    const consumers = await Promise.all([...far, near].map((peer) => peer.accept(talker.micId)));
    for (const [index, peer] of [...far, near].entries()) {
      await waitUntil(() => (peer.packetsOf(consumers[index]) > 10 ? true : undefined), 5_000, `the talker's audio at ${peer.peerId}`);
    }
    // Once, to the far (home) router, when the active speaker observer there took it.
    expect(pipes.get(talker.micId)).toBe(1);
    // Counted as before: the peers' own transports and consumers (the microphone, the feed's picture and voice each), not the pipes.
    expect(room.stats()).toEqual({ peers: 4, transports: 4, producers: 1, consumers: 9 });
  });

  it('pauses, resumes and closes the far consumers with the producer', async () => {
    // A listed speaker: a paused microphone stays subscribed (in open discussion it would be dropped).
    const room = await openRoom(null, ['u-talker']);
    const talker = await speaker(room, 'talker');
    const far = await listener(room, 'far');
    expect(far.router).not.toBe(talker.router);
    const consumer = await far.accept(talker.micId);
    await waitUntil(() => (far.packetsOf(consumer) > 5 ? true : undefined), 5_000, 'the talker\'s audio across the pipe');

    await room.pauseProducer('talker', talker.micId);
    await waitUntil(() => (told(room, 'far', 'media:consumerPaused').length > 0 ? true : undefined), 3_000, 'the far consumer paused');
    await settle(200);
    const frozen = far.packetsOf(consumer);
    await settle(400);
    expect(far.packetsOf(consumer)).toBe(frozen);

    await room.resumeProducer('talker', talker.micId);
    await waitUntil(() => (told(room, 'far', 'media:consumerResumed').length > 0 ? true : undefined), 3_000, 'the far consumer resumed');
    await waitUntil(() => (far.packetsOf(consumer) > frozen + 5 ? true : undefined), 3_000, 'audio again across the pipe');

    // The far listener's consumers: the microphone, the feed's picture and voice.
    expect(room.stats().consumers).toBe(3);
    room.peer('talker').closeProducer(talker.micId);
    await waitUntil(() => (told(room, 'far', 'media:consumerClosed').length > 0 ? true : undefined), 3_000, 'the far consumer closed');
    expect(room.stats().consumers).toBe(2);
  });

  it('asks a camera whose only receiver, across a pipe, shows a thumbnail for its low layer only', async () => {
    const room = await openRoom('u-nobody');
    const camera = await speaker(room, 'camera', { camera: 'simulcast' });
    const viewer = await listener(room, 'viewer');
    expect(viewer.router).not.toBe(camera.router);
    room.setView('viewer', ['camera']);
    await viewer.accept(camera.cameraId!);
    // The pipe consumer on the camera's router takes every layer; only the thumbnail's wish counts.
    const sendLayers = () => told(room, 'camera', 'media:sendLayers');
    await waitUntil(() => (sendLayers().length > 0 ? true : undefined), LAYER_LINGER_MS + 3_000, 'the camera told to lower');
    expect(sendLayers()).toEqual([{ event: 'media:sendLayers', payload: { producerId: camera.cameraId, maxSpatialLayer: 0 } }]);

    // On the main screen (the feed on the home router, or a pipe to it): the top layer at once.
    await room.setPolicy({ ...policy('u-camera'), version: 2 });
    await waitUntil(() => (sendLayers().length > 1 ? true : undefined), 3_000, 'the camera told to raise');
    expect(sendLayers()[1]).toEqual({ event: 'media:sendLayers', payload: { producerId: camera.cameraId, maxSpatialLayer: 1 } });
  });

  it('shows on the main screen a speaker whose camera is on the other worker than the feed', async () => {
    const room = await openRoom('u-chair');
    // The first peer's seat is on the worker without the room's home router (it carries no meeting yet).
    const chair = await speaker(room, 'chair', { camera: 'sending' });
    expect(chair.router).not.toBe(room.routers.home);
    const home = await listener(room, 'home-viewer');
    await listener(room, 'bystander');
    const far = await listener(room, 'far-viewer');
    expect(home.router).toBe(room.routers.home);
    expect(far.router).toBe(chair.router);
    const pictures = [await home.acceptFeedPicture(), await far.acceptFeedPicture()];
    await waitUntil(() => (home.packetsOf(pictures[0]) > 20 ? true : undefined), 5_000, 'the chair\'s picture on the home worker');
    await waitUntil(() => (far.packetsOf(pictures[1]) > 20 ? true : undefined), 5_000, 'the chair\'s picture back on the far worker');
    // The camera went into the feed, not to the viewers directly.
    expect(home.consumerOf(chair.cameraId!)).toBeUndefined();
  });

  it('loses the whole room when one of its workers dies, and closes its router on the other one', async () => {
    const room = await openRoom(null);
    const talker = await speaker(room, 'talker');
    const near = await listener(room, 'near');
    expect(talker.router).not.toBe(room.routers.home);
    const lost = new Promise<string>((resolve) => registry.once('roomLost', (roomId) => resolve(roomId)));
    const homeRouter = room.routers.home;
    expect(near.router).toBe(homeRouter);
    // The talker's worker, not the room's home: the room must go all the same.
    process.kill(talker.router.appData['workerPid'] as number, 'SIGKILL');
    expect(await lost).toBe(room.id);
    expect(homeRouter.closed).toBe(true);
    expect(registry.find(room.id)).toBeUndefined();
    // The pool replaces the worker; its peers are no longer counted anywhere.
    await waitUntil(() => (pool.healthy ? true : undefined), 10_000, 'the replacement worker');
    expect([...pool.seatedPeers().values()]).toEqual([0, 0]);
  });
});
