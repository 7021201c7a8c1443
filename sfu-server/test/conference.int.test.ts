import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PLAIN_OPUS_PAYLOAD_TYPE, PLAIN_VP8_PAYLOAD_TYPE, plainCameraRtpParameters, plainMicRtpParameters, startSfuServer, type SfuServerHandle } from '@ehop/testkit';
import type { ConsumerOptions, MainFeedSource, MediaPolicy, RtpCapabilities } from '@ehop/protocol';
import { settle, SignalingLink, waitUntil } from './support/signaling-link.js';
import { RtpReceiver, RtpSender, type ReceivedPacket } from './support/rtp-socket.js';

/*
 * Floor control enforced on the media itself: a real mediasoup worker, synthetic endpoints on plain
 * RTP transports (a UDP socket sends "microphone" packets, another counts what the SFU forwards).
 */
let sfu: SfuServerHandle;
let link: SignalingLink;
const sockets: { close(): void }[] = [];
let roomCounter = 0;
/** How long a camera keeps a layer nobody receives any more: long enough to tell "at once" from "after it". */
const LAYER_LINGER_MS = 1_500;

beforeAll(async () => {
  sfu = await startSfuServer({ env: { SFU_ENABLE_PLAIN_RTP: '1', LOG_LEVEL: 'warn', SFU_LAYER_LINGER_MS: String(LAYER_LINGER_MS) } });
  link = await SignalingLink.connect(sfu.url, sfu.secret);
});
afterAll(async () => {
  link?.close();
  await sfu?.stop();
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

const OPUS_PT = PLAIN_OPUS_PAYLOAD_TYPE;

function floorPolicy(version: number, speakerUserIds: string[] | 'everyone', mainUserId: string | null = null, floorHolderUserId: string | null = null): MediaPolicy {
  return {
    version,
    speakers: speakerUserIds === 'everyone' ? { mode: 'everyone' } : { mode: 'listed', userIds: speakerUserIds },
    main: { userId: mainUserId, followActiveSpeaker: false },
    floorHolderUserId,
    upcomingUserIds: [],
  };
}

interface Room {
  roomId: string;
  caps: RtpCapabilities;
}

async function openRoom(policy: MediaPolicy): Promise<Room> {
  const roomId = `conference-${++roomCounter}`;
  const { routerRtpCapabilities } = await link.ok('room:open', { roomId });
  await link.ok('room:setPolicy', { roomId, policy });
  return { roomId, caps: routerRtpCapabilities };
}

/** An endpoint whose microphone (and optionally camera) is a UDP socket sending RTP into a plain transport. */
/** A camera that sends: a key frame every `keyFrameEvery` frames, frames of `fillerBytes` (so a receiver can tell cameras apart). */
interface SendingCamera {
  keyFrameEvery: number;
  fillerBytes: number;
}

async function speaker(room: Room, peerId: string, options: { camera?: boolean; micPaused?: boolean; sending?: SendingCamera; /** Two layers (nothing is sent on them). */ simulcast?: boolean } = {}) {
  const { roomId } = room;
  await link.ok('peer:open', { roomId, peerId, userId: `u-${peerId}` });
  const transport = await link.ok('plain:createTransport', { roomId, peerId, direction: 'send' });
  const micSsrc = 1000 + roomCounter * 100 + peerId.length;
  const mic = await link.ok('producer:create', {
    roomId, peerId, transportId: transport.id, kind: 'audio', rtpParameters: plainMicRtpParameters(micSsrc), source: 'mic', paused: options.micPaused ?? false,
  });
  let cameraId: string | undefined;
  if (options.camera) {
    // A sending camera has its own socket, so its own (comedia) transport.
    const cameraTransport = options.sending ? await link.ok('plain:createTransport', { roomId, peerId, direction: 'send' }) : transport;
    const camera = await link.ok('producer:create', {
      roomId, peerId, transportId: cameraTransport.id, kind: 'video', rtpParameters: plainCameraRtpParameters(options.simulcast ? [micSsrc + 50, micSsrc + 51] : micSsrc + 50), source: 'camera', paused: false,
    });
    cameraId = camera.producerId;
    if (options.sending) {
      const video = new RtpSender();
      sockets.push(video);
      video.startCamera(cameraTransport.port, PLAIN_VP8_PAYLOAD_TYPE, micSsrc + 50, options.sending.keyFrameEvery, options.sending.fillerBytes);
    }
  }
  const sender = new RtpSender();
  sockets.push(sender);
  sender.start(transport.port, OPUS_PT, micSsrc);
  return { peerId, micId: mic.producerId, micPausedAtCreation: mic.paused, cameraId };
}

/** An endpoint that receives on a UDP socket; `packetsFrom(producerId)` counts what reached it. */
async function listener(room: Room, peerId: string) {
  const { roomId, caps } = room;
  const socket = new RtpReceiver();
  sockets.push(socket);
  const port = await socket.bind();
  await link.ok('peer:open', { roomId, peerId, userId: `u-${peerId}` });
  await link.ok('peer:setRtpCapabilities', { roomId, peerId, rtpCapabilities: caps });
  await link.ok('plain:createTransport', { roomId, peerId, direction: 'recv', remote: { ip: '127.0.0.1', port } });
  const announced = (matches: (consumer: ConsumerOptions) => boolean) => {
    for (const { notification, roomId: inRoom } of link.notificationsFor(peerId, 'media:newConsumer').reverse()) {
      if (inRoom === roomId && notification.event === 'media:newConsumer' && matches(notification.payload)) return notification.payload;
    }
    return undefined;
  };
  const consumerOf = (producerId: string) => announced((consumer) => consumer.producerId === producerId);
  const feedConsumer = (kind: 'audio' | 'video') => announced((consumer) => consumer.feed === 'main' && consumer.kind === kind);
  return {
    peerId,
    consumerOf,
    /** Waits for the consumer of `producerId` and resumes it, as a browser does once it can decode it. */
    async accept(producerId: string) {
      const consumer = await waitUntil(() => consumerOf(producerId), 5_000, `a consumer of ${producerId} for ${peerId}`);
      await link.ok('consumer:resume', { roomId, peerId, consumerId: consumer.consumerId });
      return consumer;
    },
    /** Waits for the main-screen feed's consumers (picture and voice) and resumes them. */
    async acceptFeed() {
      for (const kind of ['video', 'audio'] as const) {
        const consumer = await waitUntil(() => feedConsumer(kind), 5_000, `the main-screen feed's ${kind} for ${peerId}`);
        await link.ok('consumer:resume', { roomId, peerId, consumerId: consumer.consumerId });
      }
    },
    /** Everything the feed's picture (or voice) brought, in arrival order. */
    feedPackets(kind: 'audio' | 'video' = 'video'): readonly ReceivedPacket[] {
      const ssrc = feedConsumer(kind)?.rtpParameters.encodings?.[0]?.['ssrc'];
      return typeof ssrc === 'number' ? socket.received(ssrc) : [];
    },
    /** Who the SFU said the feed carries: when this peer's feed consumer came, then at each cut-over (told to the whole room). */
    feedSources: (): MainFeedSource[] => [
      ...link.notificationsFor(peerId, 'media:mainFeed').flatMap(({ notification, roomId: inRoom }) => (inRoom === roomId ? [notification.payload as MainFeedSource] : [])),
      ...link.mainFeedCuts.filter((cut) => cut.roomId === roomId).map((cut) => cut.source),
    ],
    packetsFrom(producerId: string): number {
      const ssrc = consumerOf(producerId)?.rtpParameters.encodings?.[0]?.['ssrc'];
      return typeof ssrc === 'number' ? socket.packetsFrom(ssrc) : 0;
    },
    total: () => socket.total(),
  };
}

describe('floor mode on the SFU', () => {
  it('creates a microphone without the floor paused, refuses to unmute it, and forwards none of its audio', async () => {
    const room = await openRoom(floorPolicy(1, ['u-chair']));
    const audience = await listener(room, 'audience');
    const chair = await speaker(room, 'chair');
    const intruder = await speaker(room, 'intruder');

    // The chair may speak: created as asked (unpaused), forwarded, and it arrives.
    expect(chair.micPausedAtCreation).toBe(false);
    await audience.accept(chair.micId);
    await waitUntil(() => (audience.packetsFrom(chair.micId) > 10 ? true : undefined), 5_000, 'chair audio at the audience');

    // The intruder asked for an open microphone and sends packets anyway: paused on the SFU, no consumer.
    expect(intruder.micPausedAtCreation).toBe(true);
    expect(await link.request('producer:resume', { roomId: room.roomId, peerId: 'intruder', producerId: intruder.micId })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    await settle(500);
    expect(audience.consumerOf(intruder.micId)).toBeUndefined();
    expect(audience.total()).toBe(audience.packetsFrom(chair.micId));
  });

  it('unmutes the speaker on the server when given the floor, and pauses them again when it is taken back', async () => {
    const room = await openRoom(floorPolicy(1, ['u-chair']));
    const audience = await listener(room, 'audience');
    const delegate = await speaker(room, 'delegate', { micPaused: true });

    await settle(300);
    expect(audience.consumerOf(delegate.micId)).toBeUndefined();

    // Grant: the policy lists the delegate, then the server resumes their microphone.
    expect(await link.ok('room:setPolicy', { roomId: room.roomId, policy: floorPolicy(2, ['u-chair', 'u-delegate']) })).toEqual({ applied: true });
    expect(
      await link.ok('room:setMicrophones', { roomId: room.roomId, muted: false, who: { target: 'users', userIds: ['u-delegate'] } }),
    ).toEqual({ changed: 1 });
    const [resumed] = await link.waitForNotifications('delegate', 'media:producerResumed');
    expect(resumed?.notification.payload).toEqual({ producerId: delegate.micId, source: 'mic' });
    await audience.accept(delegate.micId);
    await waitUntil(() => (audience.packetsFrom(delegate.micId) > 10 ? true : undefined), 5_000, 'delegate audio at the audience');

    // Release: the server pauses the microphone and stops forwarding it.
    await link.ok('room:setPolicy', { roomId: room.roomId, policy: floorPolicy(3, ['u-chair']) });
    const [paused] = await link.waitForNotifications('delegate', 'media:producerPaused');
    expect(paused?.notification.payload).toEqual({ producerId: delegate.micId, source: 'mic' });
    await link.waitForNotifications('audience', 'media:consumerClosed');
    await settle(200);
    const frozen = audience.packetsFrom(delegate.micId);
    await settle(600);
    expect(audience.packetsFrom(delegate.micId)).toBe(frozen);
    expect(await link.request('producer:resume', { roomId: room.roomId, peerId: 'delegate', producerId: delegate.micId })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('ignores a policy older than the one it has (two signaling nodes racing)', async () => {
    const room = await openRoom(floorPolicy(5, ['u-chair']));
    expect(await link.ok('room:setPolicy', { roomId: room.roomId, policy: floorPolicy(4, 'everyone') })).toEqual({ applied: false });
    const intruder = await speaker(room, 'late');
    expect(intruder.micPausedAtCreation).toBe(true);
  });

  it('mutes everyone but the chair on request, and open discussion lets people unmute themselves', async () => {
    const room = await openRoom(floorPolicy(1, 'everyone'));
    const chair = await speaker(room, 'chair');
    const a = await speaker(room, 'a');
    expect(a.micPausedAtCreation).toBe(false);
    expect(
      await link.ok('room:setMicrophones', { roomId: room.roomId, muted: true, who: { target: 'allExcept', userIds: ['u-chair'] } }),
    ).toEqual({ changed: 1 });
    await link.waitForNotifications('a', 'media:producerPaused');
    expect(link.notificationsFor('chair', 'media:producerPaused')).toEqual([]);
    // Open discussion: unmuting oneself is allowed.
    await link.ok('producer:resume', { roomId: room.roomId, peerId: 'a', producerId: a.micId });
    expect(chair.micPausedAtCreation).toBe(false);
  });
});

describe('what each receiver gets', () => {
  it('receives the main screen and its page of thumbnails only; paging away pauses instead of closing', async () => {
    const room = await openRoom(floorPolicy(1, ['u-e0'], 'u-e0'));
    const endpoints = [];
    for (let index = 0; index < 6; index++) endpoints.push(await speaker(room, `e${index}`, { camera: true, micPaused: true }));
    const viewer = await listener(room, 'viewer');
    const { roomId } = room;

    // Without a view: the main screen (the feed's picture, carrying e0's camera, and its voice) and the speaker's microphone, nothing else.
    await viewer.acceptFeed();
    await viewer.accept(endpoints[0]!.micId);
    await settle(300);
    expect(link.notificationsFor('viewer', 'media:newConsumer')).toHaveLength(3);
    expect(viewer.consumerOf(endpoints[0]!.cameraId!)).toBeUndefined();

    // A page of two thumbnails: their cameras come, at the low layer.
    await link.ok('peer:setView', { roomId, peerId: 'viewer', thumbnails: ['e1', 'e2'] });
    await viewer.accept(endpoints[1]!.cameraId!);
    await viewer.accept(endpoints[2]!.cameraId!);
    // Running: the feed (picture and voice) and two cameras (the speaker's microphone is muted by its sender, so not counted).
    expect((await link.ok('room:traffic', { roomId })).activeConsumers).toBe(4);

    // The next page: e3 and e4 come; e1 and e2 stay, paused (no new consumer when paging back).
    await link.ok('peer:setView', { roomId, peerId: 'viewer', thumbnails: ['e3', 'e4'] });
    await viewer.accept(endpoints[3]!.cameraId!);
    await viewer.accept(endpoints[4]!.cameraId!);
    await settle(200);
    const traffic = await link.ok('room:traffic', { roomId });
    expect(traffic).toMatchObject({ consumers: 7, activeConsumers: 4 });
    expect(viewer.consumerOf(endpoints[5]!.cameraId!)).toBeUndefined();
    expect(link.notificationsFor('viewer', 'media:consumerClosed')).toEqual([]);

    // An unknown peer or too many thumbnails are refused or ignored, never trusted.
    expect(await link.request('peer:setView', { roomId, peerId: 'viewer', thumbnails: Array.from({ length: 25 }, (_, i) => `x${i}`) })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
  });

  it('switches the main screen inside one feed: the new speaker comes in at their key frame, the stream never restarts, their voice follows', async () => {
    const room = await openRoom(floorPolicy(1, ['u-chair'], 'u-chair'));
    const chair = await speaker(room, 'chair', { camera: true, sending: { keyFrameEvery: 10, fillerBytes: 200 } });
    const next = await speaker(room, 'next', { camera: true, micPaused: true, sending: { keyFrameEvery: 15, fillerBytes: 300 } });
    const viewer = await listener(room, 'viewer');
    await viewer.acceptFeed();
    const carrying = (peerId: string | null, after = 0) =>
      waitUntil(() => viewer.feedSources().find((source) => source.peerId === peerId && source.since >= after), 5_000, `the feed carrying ${peerId}`);
    const chairCut = await carrying('chair');
    await waitUntil(() => (viewer.feedPackets().length > 20 ? true : undefined), 5_000, 'the chair\'s picture at the viewer');
    expect(viewer.consumerOf(chair.cameraId!)).toBeUndefined();

    // Nobody holds the floor: the feed's voice is silent (the chair is heard through their own microphone's consumer).
    expect(viewer.feedPackets('audio')).toHaveLength(0);

    // The grant: the same consumer, the next speaker's packets from their first key frame on.
    await link.ok('room:setPolicy', { roomId: room.roomId, policy: floorPolicy(2, ['u-chair', 'u-next'], 'u-next', 'u-next') });
    await link.ok('room:setMicrophones', { roomId: room.roomId, muted: false, who: { target: 'users', userIds: ['u-next'] } });
    const nextCut = await carrying('next', chairCut.since);
    await waitUntil(() => (viewer.feedPackets().filter((packet) => packet.at >= nextCut.since).length > 20 ? true : undefined), 5_000, 'the next speaker\'s picture');
    const packets = viewer.feedPackets();
    // The chair's frames are 200 bytes of filler plus headers, the next speaker's 300.
    const fromNext = (packet: ReceivedPacket) => packet.bytes > 250;
    const firstOfNext = packets.findIndex(fromNext);
    expect(firstOfNext).toBeGreaterThan(0);
    expect(packets[firstOfNext]!.keyFrame).toBe(true);
    expect(packets.slice(firstOfNext).every(fromNext)).toBe(true);
    for (let index = 1; index < packets.length; index++) {
      expect((packets[index]!.sequence - packets[index - 1]!.sequence) & 0xffff).toBe(1);
      expect(((packets[index]!.timestamp - packets[index - 1]!.timestamp) >>> 0) < 2 ** 31).toBe(true);
    }
    const feedConsumers = link
      .notificationsFor('viewer', 'media:newConsumer')
      .filter(({ roomId, notification }) => roomId === room.roomId && notification.event === 'media:newConsumer' && notification.payload.feed === 'main');
    expect(feedConsumers).toHaveLength(2);
    // Their voice comes through the feed, without a consumer of their microphone.
    await waitUntil(() => (viewer.feedPackets('audio').length > 10 ? true : undefined), 5_000, 'the holder\'s voice through the feed');
    expect(viewer.consumerOf(next.micId)).toBeUndefined();

    // The floor taken back and the main screen on someone without a camera: picture and voice stop.
    await link.ok('room:setPolicy', { roomId: room.roomId, policy: floorPolicy(3, ['u-chair'], 'u-nobody') });
    await carrying(null, nextCut.since);
    await settle(300);
    const frozen = { picture: viewer.feedPackets().length, voice: viewer.feedPackets('audio').length };
    await settle(500);
    expect({ picture: viewer.feedPackets().length, voice: viewer.feedPackets('audio').length }).toEqual(frozen);
  });

  it('reports each peer\'s network quality from the SFU\'s own measurements', async () => {
    const room = await openRoom(floorPolicy(1, ['u-talker']));
    await speaker(room, 'talker');
    // ~29 kb/s of "microphone" packets: the SFU's bitrate meter sees them within a few readings.
    const talker = await waitUntil(async () => {
      const { peers } = await link.ok('room:networkQuality', { roomId: room.roomId });
      const reading = peers.find((peer) => peer.peerId === 'talker');
      return reading && reading.uplinkBitrate > 10_000 ? reading : undefined;
    }, 8_000, 'the talker\'s uplink bitrate');
    expect(talker).toMatchObject({ userId: 'u-talker', downlinkBitrate: 0 });
  });
});

describe('what each camera sends', () => {
  it('tells a camera that only thumbnails receive to send its lowest layer, and asks at once for the top one when it goes on the main screen', async () => {
    const room = await openRoom(floorPolicy(1, [], 'u-layers-chair'));
    const { roomId } = room;
    const chair = await speaker(room, 'layers-chair', { camera: true, micPaused: true, simulcast: true });
    const delegate = await speaker(room, 'layers-delegate', { camera: true, micPaused: true, simulcast: true });
    const viewer = await listener(room, 'layers-viewer');
    await viewer.acceptFeed();
    await link.ok('peer:setView', { roomId, peerId: 'layers-viewer', thumbnails: ['layers-delegate'] });
    await viewer.accept(delegate.cameraId!);
    const sendLayersOf = (peerId: string) =>
      link.notificationsFor(peerId, 'media:sendLayers').flatMap(({ notification, roomId: inRoom }) => (inRoom === roomId ? [notification.payload] : []));

    // Only a thumbnail receives the delegate: once the linger is over, its camera sends the lowest layer only.
    await waitUntil(() => (sendLayersOf('layers-delegate').length > 0 ? true : undefined), LAYER_LINGER_MS + 3_000, 'the delegate told to lower');
    expect(sendLayersOf('layers-delegate')).toEqual([{ producerId: delegate.cameraId, maxSpatialLayer: 0 }]);
    // The chair is on the main screen: its top layer is received, so nobody asks it to stop.
    expect(sendLayersOf('layers-chair')).toEqual([]);

    // The main screen goes to the delegate: its top layer is asked for at once, long before the
    // chair (off the main screen now) is told to drop its own after the linger.
    await link.ok('room:setPolicy', { roomId, policy: floorPolicy(2, ['u-layers-delegate'], 'u-layers-delegate', 'u-layers-delegate') });
    await waitUntil(() => (sendLayersOf('layers-delegate').length > 1 ? true : undefined), LAYER_LINGER_MS + 3_000, 'the delegate told to raise');
    expect(sendLayersOf('layers-delegate')[1]).toEqual({ producerId: delegate.cameraId, maxSpatialLayer: 1 });
    expect(sendLayersOf('layers-chair')).toEqual([]);
    await waitUntil(() => (sendLayersOf('layers-chair').length > 0 ? true : undefined), LAYER_LINGER_MS + 3_000, 'the chair told to lower');
    expect(sendLayersOf('layers-chair')).toEqual([{ producerId: chair.cameraId, maxSpatialLayer: 0 }]);
    expect(sendLayersOf('layers-delegate')).toHaveLength(2);
  });
});
