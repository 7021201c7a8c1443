import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAIN_OPUS_PAYLOAD_TYPE, PLAIN_VP8_PAYLOAD_TYPE, plainCameraRtpParameters, plainMicRtpParameters, sfuHealth, startSfuServer, type SfuServerHandle } from '@ehop/testkit';
import type { ConsumerOptions, MediaPolicy, RtpCapabilities } from '@ehop/protocol';
import { asksForKeyFrame } from '@ehop/rtp';
import { settle, SignalingLink, waitUntil } from './support/signaling-link.js';
import { RtpReceiver, RtpSender, rtpPacket, vp8Frame } from './support/rtp-socket.js';
import { LinkRelay } from './support/link-relay.js';

/*
 * Issue 16, "Cascade": one meeting on two SFU nodes (two real SFU processes), their rooms linked
 * by pipe transports with SRTP, driven through both internal APIs as signaling will drive them. A
 * UDP relay sits in the middle of the link to see what crosses it.
 */
let nodeA: SfuServerHandle;
let nodeB: SfuServerHandle;
let a: SignalingLink;
let b: SignalingLink;
const closers: { close(): void }[] = [];
/** How long a camera keeps a layer nobody wants any more (short: the test waits for it). */
const LAYER_LINGER_MS = 300;

beforeAll(async () => {
  const env = { SFU_ENABLE_PLAIN_RTP: '1', LOG_LEVEL: 'warn', SFU_LAYER_LINGER_MS: String(LAYER_LINGER_MS) };
  nodeA = await startSfuServer({ env });
  // Node B spreads its peers over two workers: a remote track must reach a receiver on either.
  nodeB = await startSfuServer({ env: { ...env, SFU_WORKERS: '2', SFU_ROOM_SPREAD: 'spread' } });
  a = await SignalingLink.connect(nodeA.url, nodeA.secret);
  b = await SignalingLink.connect(nodeB.url, nodeB.secret);
});
afterAll(async () => {
  for (const closer of closers.splice(0)) closer.close();
  a?.close();
  b?.close();
  await Promise.all([nodeA?.stop(), nodeB?.stop()]);
});

const OPEN_FLOOR: MediaPolicy = {
  version: 1,
  speakers: { mode: 'everyone' },
  main: { userId: null, followActiveSpeaker: false },
  floorHolderUserId: null,
  upcomingUserIds: [],
};

/** A camera that sends a key frame only when the SFU asks for one (PLI/FIR), and counts the requests. */
class OnDemandCamera {
  keyFrameRequests = 0;
  sent = 0;
  private readonly socket: Socket = createSocket('udp4');
  private timer: NodeJS.Timeout | undefined;
  private keyFrameDue = false;

  start(port: number, ssrc: number): void {
    this.socket.on('message', (packet) => {
      if (!asksForKeyFrame(packet)) return;
      this.keyFrameRequests++;
      this.keyFrameDue = true;
    });
    this.timer = setInterval(() => {
      this.sent++;
      const header = rtpPacket(PLAIN_VP8_PAYLOAD_TYPE, this.sent, this.sent * 3_000, ssrc, 0);
      header[1] = header[1]! | 0x80;
      // vp8Frame makes a key frame when the frame number is a multiple of its second argument.
      const frame = vp8Frame(this.sent, this.keyFrameDue ? 1 : Number.MAX_SAFE_INTEGER);
      this.keyFrameDue = false;
      this.socket.send(Buffer.concat([header, frame]), port, '127.0.0.1');
    }, 33);
  }

  close(): void {
    clearInterval(this.timer);
    this.socket.close();
  }
}

/** A receiver on node B: plain transport towards a UDP socket; `packetsFrom(producerId)` counts what reached it. */
async function receiverOnB(roomId: string, peerId: string, caps: RtpCapabilities) {
  const socket = new RtpReceiver();
  closers.push(socket);
  const port = await socket.bind();
  await b.ok('peer:open', { roomId, peerId, userId: `u-${peerId}` });
  await b.ok('peer:setRtpCapabilities', { roomId, peerId, rtpCapabilities: caps });
  await b.ok('plain:createTransport', { roomId, peerId, direction: 'recv', remote: { ip: '127.0.0.1', port } });
  const announced = (matches: (consumer: ConsumerOptions) => boolean): ConsumerOptions | undefined =>
    b.notificationsFor(peerId, 'media:newConsumer').flatMap(({ notification }) =>
      notification.event === 'media:newConsumer' && matches(notification.payload) ? [notification.payload] : [],
    )[0];
  const consumerOf = (producerId: string) => announced((consumer) => consumer.producerId === producerId);
  const feedPicture = () => announced((consumer) => consumer.feed === 'main' && consumer.kind === 'video');
  const packetsOf = (consumer: ConsumerOptions | undefined) => {
    const ssrc = consumer?.rtpParameters.encodings?.[0]?.['ssrc'];
    return typeof ssrc === 'number' ? socket.packetsFrom(ssrc) : 0;
  };
  return {
    peerId,
    consumerOf,
    async accept(producerId: string) {
      const consumer = await waitUntil(() => consumerOf(producerId), 5_000, `a consumer of ${producerId} for ${peerId}`);
      await b.ok('consumer:resume', { roomId, peerId, consumerId: consumer.consumerId });
      return consumer;
    },
    /** Resumes its consumer of node B's main-screen feed picture. */
    async acceptFeedPicture() {
      const consumer = await waitUntil(feedPicture, 5_000, `the main-screen feed's picture for ${peerId}`);
      await b.ok('consumer:resume', { roomId, peerId, consumerId: consumer.consumerId });
    },
    packetsFrom: (producerId: string) => packetsOf(consumerOf(producerId)),
    feedPicturePackets: () => packetsOf(feedPicture()),
    heard(event: 'media:consumerPaused' | 'media:consumerResumed' | 'media:consumerClosed', producerId: string): boolean {
      const consumerId = consumerOf(producerId)?.consumerId;
      return b.notificationsFor(peerId, event).some(({ notification }) => (notification.payload as { consumerId: string }).consumerId === consumerId);
    },
  };
}

/** The same meeting open on both nodes with an open floor, and a link's two ends opened (not yet connected). */
async function openRoomsAndLinkEnds(roomId: string, linkId: string) {
  await a.ok('room:open', { roomId });
  const { routerRtpCapabilities: capsB } = await b.ok('room:open', { roomId });
  await a.ok('room:setPolicy', { roomId, policy: OPEN_FLOOR });
  await b.ok('room:setPolicy', { roomId, policy: OPEN_FLOOR });
  const endA = await a.ok('link:open', { roomId, linkId });
  const endB = await b.ok('link:open', { roomId, linkId });
  return { capsB, endA, endB };
}

describe('a meeting over two SFU nodes linked by SRTP pipe transports', () => {
  it('validates link requests', async () => {
    const roomId = 'cascade-checks';
    await a.ok('room:open', { roomId });
    const extraKey = await a.request('link:open', { roomId, linkId: 'l1', secure: false });
    expect(extraKey.ok ? null : extraKey.error.code).toBe('invalid_payload');
    const noLink = await a.request('link:send', { roomId, linkId: 'nope', producerId: 'p' });
    expect(noLink.ok ? null : noLink.error.code).toBe('not_found');

    const end = await a.ok('link:open', { roomId, linkId: 'l1' });
    expect(await a.ok('link:open', { roomId, linkId: 'l1' })).toEqual(end);
    const badKey = await a.request('link:connect', { roomId, linkId: 'l1', ip: '127.0.0.1', port: 9, srtpParameters: { cryptoSuite: 'NULL', keyBase64: 'x' } });
    expect(badKey.ok ? null : badKey.error.code).toBe('invalid_payload');
    const noProducer = await a.request('link:send', { roomId, linkId: 'l1', producerId: 'unknown' });
    expect(noProducer.ok ? null : noProducer.error.code).toBe('not_found');
    await a.ok('link:connect', { roomId, linkId: 'l1', ip: '127.0.0.1', port: 9, srtpParameters: end.srtpParameters });
    const again = await a.request('link:connect', { roomId, linkId: 'l1', ip: '127.0.0.1', port: 9, srtpParameters: end.srtpParameters });
    expect(again.ok ? null : again.error.code).toBe('conflict');
    const unknownTrack = await a.request('link:trackState', { roomId, linkId: 'l1', producerId: 'p', state: 'paused' });
    expect(unknownTrack.ok ? null : unknownTrack.error.code).toBe('not_found');
    await a.ok('link:close', { roomId, linkId: 'l1' });
    await a.ok('link:close', { roomId, linkId: 'l1' });
    await a.ok('room:close', { roomId });
  });

  it('carries a track once to the far node, encrypted; its receivers get media, key frames and the track\'s pause and close', async () => {
    const roomId = 'cascade-1';
    const linkId = 'a-b';
    // Signaling opens both ends and connects each to the other: here through a relay in the middle.
    const { capsB, endA, endB } = await openRoomsAndLinkEnds(roomId, linkId);
    expect(endA.srtpParameters.keyBase64).not.toBe(endB.srtpParameters.keyBase64);
    const relay = await LinkRelay.between(endA, endB);
    closers.push(relay);
    await a.ok('link:connect', { roomId, linkId, ...relay.towardA, srtpParameters: endB.srtpParameters });
    await b.ok('link:connect', { roomId, linkId, ...relay.towardB, srtpParameters: endA.srtpParameters });

    // A publisher on node A: a microphone and a camera that sends key frames only when asked.
    await a.ok('peer:open', { roomId, peerId: 'pub', userId: 'u-pub' });
    const micTransport = await a.ok('plain:createTransport', { roomId, peerId: 'pub', direction: 'send' });
    const cameraTransport = await a.ok('plain:createTransport', { roomId, peerId: 'pub', direction: 'send' });
    const mic = await a.ok('producer:create', { roomId, peerId: 'pub', transportId: micTransport.id, kind: 'audio', rtpParameters: plainMicRtpParameters(7001), source: 'mic', paused: false });
    const camera = await a.ok('producer:create', {
      roomId, peerId: 'pub', transportId: cameraTransport.id, kind: 'video', rtpParameters: plainCameraRtpParameters(7002, { answersKeyFrameRequests: true }), source: 'camera', paused: false,
    });
    const micSender = new RtpSender();
    const cameraSender = new OnDemandCamera();
    closers.push(micSender, cameraSender);
    micSender.start(micTransport.port, PLAIN_OPUS_PAYLOAD_TYPE, 7001);
    cameraSender.start(cameraTransport.port, 7002);

    // Signaling sends both tracks over the link and has node B receive them.
    const linkSsrcs = new Map<string, number[]>();
    for (const producerId of [mic.producerId, camera.producerId]) {
      const track = await a.ok('link:send', { roomId, linkId, producerId });
      linkSsrcs.set(producerId, (track.rtpParameters.encodings ?? []).flatMap((encoding) => [encoding['ssrc'], (encoding['rtx'] as { ssrc?: number } | undefined)?.ssrc].filter((ssrc) => typeof ssrc === 'number')));
      expect(track).toMatchObject({ peerId: 'pub', userId: 'u-pub', paused: false });
      // Once per link and producer: asking again answers the same consumer's parameters.
      expect(await a.ok('link:send', { roomId, linkId, producerId })).toEqual(track);
      await b.ok('link:receive', { roomId, linkId, producerId, ...track });
    }
    // room:links: each track once at each end, sent by A and received by B.
    const byId = <T extends { producerId: string }>(tracks: T[]) => [...tracks].sort((x, y) => x.producerId.localeCompare(y.producerId));
    const tracks = byId([
      { producerId: mic.producerId, kind: 'audio', paused: false },
      { producerId: camera.producerId, kind: 'video', paused: false },
    ]);
    const [linksA, linksB] = [(await a.ok('room:links', { roomId })).links, (await b.ok('room:links', { roomId })).links];
    expect(linksA.map((link) => ({ ...link, sent: byId(link.sent) }))).toEqual([{ linkId, sent: tracks, received: [] }]);
    expect(linksB.map((link) => ({ ...link, received: byId(link.received) }))).toEqual([{ linkId, sent: [], received: tracks }]);
    // The camera's picture crosses the link; then nothing on node B receives it for a while.
    await waitUntil(() => (relay.fromA.length > 50 ? true : undefined), 5_000, 'RTP over the link');
    await settle(1_500);
    const requestsBeforeReceivers = cameraSender.keyFrameRequests;

    // Two receivers on node B (spread over its two workers), showing the publisher as a thumbnail.
    const receivers = [await receiverOnB(roomId, 'r1', capsB), await receiverOnB(roomId, 'r2', capsB)];
    for (const receiver of receivers) {
      await b.ok('peer:setView', { roomId, peerId: receiver.peerId, thumbnails: ['pub'] });
      await receiver.accept(mic.producerId);
      await receiver.accept(camera.producerId);
    }
    for (const receiver of receivers) {
      await waitUntil(() => (receiver.packetsFrom(mic.producerId) > 20 ? true : undefined), 5_000, `audio at ${receiver.peerId}`);
      // A video consumer forwards nothing before a key frame: this one came because B's receivers asked across the link.
      await waitUntil(() => (receiver.packetsFrom(camera.producerId) > 10 ? true : undefined), 5_000, `video at ${receiver.peerId}`);
    }
    expect(cameraSender.keyFrameRequests).toBeGreaterThan(requestsBeforeReceivers);
    // The receivers sit on both of node B's workers: the remote tracks were piped from its home router to the other.
    const { workers } = (await sfuHealth(nodeB)) as unknown as { workers: { rooms: number }[] };
    expect(workers.map((worker) => worker.rooms)).toEqual([1, 1]);
    // Remote tracks are not node B's peers' producers.
    expect(await b.ok('room:stats', { roomId })).toMatchObject({ peers: 2, producers: 0 });

    // Once over the link whatever the number of receivers: one stream per track, at the camera's rate.
    const framesSent = cameraSender.sent;
    const linkCounts = relay.countsFromA();
    expect([...linkCounts.keys()].every((ssrc) => [...linkSsrcs.values()].flat().includes(ssrc))).toBe(true);
    const cameraSsrc = linkSsrcs.get(camera.producerId)![0]!;
    expect(linkCounts.get(cameraSsrc)).toBeGreaterThan(0);
    expect(linkCounts.get(cameraSsrc)).toBeLessThanOrEqual(framesSent);
    // SRTP: the synthetic payloads (runs of 0xab) never appear on the wire.
    const filler = Buffer.alloc(16, 0xab);
    expect(relay.fromA.filter(({ payload }) => payload.includes(filler))).toHaveLength(0);

    // Node B's main screen shows the publisher of node A: its feed takes the camera received over the link.
    await b.ok('room:setPolicy', { roomId, policy: { ...OPEN_FLOOR, version: 2, main: { userId: 'u-pub', followActiveSpeaker: false } } });
    for (const receiver of receivers) {
      await receiver.acceptFeedPicture();
      await waitUntil(() => (receiver.feedPicturePackets() > 10 ? true : undefined), 5_000, `the main screen at ${receiver.peerId}`);
    }

    // The publisher pauses its camera on node A: node A reports it, signaling relays it, B's receivers hear it.
    await a.ok('producer:pause', { roomId, peerId: 'pub', producerId: camera.producerId });
    const paused = await waitUntil(() => a.linkTrackStates.find((event) => event.producerId === camera.producerId && event.state === 'paused'), 5_000, 'camera paused on the link');
    await b.ok('link:trackState', paused);
    for (const receiver of receivers) await waitUntil(() => (receiver.heard('media:consumerPaused', camera.producerId) ? true : undefined), 5_000, `pause at ${receiver.peerId}`);
    await a.ok('producer:resume', { roomId, peerId: 'pub', producerId: camera.producerId });
    const resumed = await waitUntil(() => a.linkTrackStates.find((event) => event.producerId === camera.producerId && event.state === 'resumed'), 5_000, 'camera resumed on the link');
    await b.ok('link:trackState', resumed);
    for (const receiver of receivers) await waitUntil(() => (receiver.heard('media:consumerResumed', camera.producerId) ? true : undefined), 5_000, `resume at ${receiver.peerId}`);

    // It closes its microphone: closed on node B too.
    await a.ok('producer:close', { roomId, peerId: 'pub', producerId: mic.producerId });
    const closed = await waitUntil(() => a.linkTrackStates.find((event) => event.producerId === mic.producerId && event.state === 'closed'), 5_000, 'mic closed on the link');
    expect(closed).toEqual({ roomId, linkId, producerId: mic.producerId, state: 'closed' });
    await b.ok('link:trackState', closed);
    for (const receiver of receivers) await waitUntil(() => (receiver.heard('media:consumerClosed', mic.producerId) ? true : undefined), 5_000, `mic closed at ${receiver.peerId}`);

    // Closing the link on node B closes what it received.
    await b.ok('link:close', { roomId, linkId });
    for (const receiver of receivers) await waitUntil(() => (receiver.heard('media:consumerClosed', camera.producerId) ? true : undefined), 5_000, `camera closed at ${receiver.peerId}`);
    await a.ok('link:close', { roomId, linkId });
    await a.ok('room:close', { roomId });
    await b.ok('room:close', { roomId });
  });

  it('has a camera send the simulcast layers the far node\'s receivers want, told over the link', async () => {
    const roomId = 'cascade-layers';
    const linkId = 'a-b';
    const { capsB, endA, endB } = await openRoomsAndLinkEnds(roomId, linkId);
    await a.ok('link:connect', { roomId, linkId, ...endB });
    await b.ok('link:connect', { roomId, linkId, ...endA });

    // A camera of two simulcast layers on node A, received by nobody there.
    await a.ok('peer:open', { roomId, peerId: 'cam-pub', userId: 'u-cam-pub' });
    const transport = await a.ok('plain:createTransport', { roomId, peerId: 'cam-pub', direction: 'send' });
    const camera = await a.ok('producer:create', { roomId, peerId: 'cam-pub', transportId: transport.id, kind: 'video', rtpParameters: plainCameraRtpParameters([8001, 8002]), source: 'camera', paused: false });
    await b.ok('link:receive', { roomId, linkId, producerId: camera.producerId, ...(await a.ok('link:send', { roomId, linkId, producerId: camera.producerId })) });
    const toldToCamera = () => a.notificationsFor('cam-pub', 'media:sendLayers').map(({ notification }) => (notification.payload as { maxSpatialLayer: number }).maxSpatialLayer);
    /** Node B's wishes for this camera, relayed to node A as signaling would. */
    let relayed = 0;
    const relayWishes = async () => {
      const wishes = b.linkSendLayers.filter((event) => event.roomId === roomId);
      for (const wish of wishes.slice(relayed)) await a.ok('link:sendLayers', wish);
      relayed = wishes.length;
      return wishes.map((wish) => wish.maxSpatialLayer);
    };

    // Until node B says otherwise, the link takes every layer: the camera keeps sending them all.
    await settle(LAYER_LINGER_MS * 2);
    expect(toldToCamera()).toEqual([]);

    // Node B's only receiver shows it as a thumbnail: B wants the low layer, and A's camera is told to send only that.
    const receiver = await receiverOnB(roomId, 'r3', capsB);
    await b.ok('peer:setView', { roomId, peerId: 'r3', thumbnails: ['cam-pub'] });
    await receiver.accept(camera.producerId);
    await waitUntil(async () => ((await relayWishes()).includes(0) ? true : undefined), 5_000, 'node B asking for the low layer');
    await waitUntil(() => (toldToCamera().includes(0) ? true : undefined), 5_000, 'the camera told to send its low layer');

    // Node B's main screen takes it: the top layer is asked for at once, over the link, and the camera told.
    await b.ok('room:setPolicy', { roomId, policy: { ...OPEN_FLOOR, version: 2, main: { userId: 'u-cam-pub', followActiveSpeaker: false } } });
    await waitUntil(async () => ((await relayWishes()).at(-1) === 1 ? true : undefined), 5_000, 'node B asking for the top layer');
    await waitUntil(() => (toldToCamera().at(-1) === 1 ? true : undefined), 5_000, 'the camera told to send its top layer');

    // A wish about a camera the link does not carry is refused.
    const unknown = await a.request('link:sendLayers', { roomId, linkId, producerId: 'unknown', maxSpatialLayer: 0 });
    expect(unknown.ok ? null : unknown.error.code).toBe('not_found');
    await a.ok('room:close', { roomId });
    await b.ok('room:close', { roomId });
  });
});
