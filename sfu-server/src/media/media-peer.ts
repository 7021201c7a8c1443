import type { types } from 'mediasoup';
import { validateRtpCapabilities } from 'mediasoup/node/lib/ortc.js';
import {
  RequestError,
  type DtlsParameters,
  type MediaKind,
  type MediaSource,
  type PeerNotification,
  type RtpCapabilities,
  type RtpParameters,
  type SfuResponse,
  type TransportDirection,
} from '@ehop/protocol';
import type { Logger } from '../logger.js';
import { applyDelivery, DEFAULT_PRIORITY, initialLayers, type ConsumerData } from './consumer-delivery.js';
import type { KeyFrameGate } from './key-frame-gate.js';
import { asCallerMistake } from './mediasoup-errors.js';
import { LossMeter, roundTripOf, transportBitrates, worstLoss } from './network-quality.js';
import type { MediaObjectKind, OwnershipIndex } from './ownership.js';
import type { PeerLimits } from './peer-limits.js';
import type { PeerPlacement } from './room-routers.js';
import type { CurrentSubscription, Delivery, PublishedTrack } from './subscription-policy.js';

export interface TransportSettings {
  /** Where plain transports (synthetic endpoints) listen; each takes its own port from the internal range. */
  plainListenIp: types.TransportListenIp;
  initialAvailableOutgoingBitrate: number;
  /** Cap on what one peer may send us, in bits per second. */
  maxIncomingBitrate: number;
}

export interface PeerContext {
  /**
   * Where its transports go (its router, and that worker's WebRtcServer, whose one UDP and one TCP
   * port every browser transport of the worker shares); asked once, at its first transport.
   */
  place: () => Promise<PeerPlacement>;
  ownership: OwnershipIndex;
  transportSettings: TransportSettings;
  limits: PeerLimits;
  notify: (notification: PeerNotification) => void;
  log: Logger;
  /** When a camera would hear a key frame request (resuming a video consumer makes one). */
  keyFrames?: KeyFrameGate;
}

export interface ProduceRequest {
  transportId: string;
  kind: MediaKind;
  rtpParameters: RtpParameters;
  source: MediaSource;
  paused: boolean;
}

// appData shapes are type aliases, not interfaces: mediasoup 3.12 requires appData to be assignable
// to its AppData (a string index signature), which TypeScript grants aliases implicitly, not interfaces.
type TransportData = {
  direction: TransportDirection;
  connected: boolean;
};
export type ProducerData = {
  peerId: string;
  userId: string;
  source: MediaSource;
  /** When it was last resumed, for choosing among many open microphones. */
  activeSince: number;
  /** The room's main-screen feed (see main-feed.ts), not a participant's track. */
  feed?: 'main';
};

/** What the network looks like from this peer, as far as the SFU can tell. */
export interface PeerLinkQuality {
  uplinkBitrate: number;
  downlinkBitrate: number;
  uplinkLossPercent: number | null;
  downlinkLossPercent: number | null;
  roundTripMs: number | null;
}

/**
 * Consumers sampled per reading of the network quality: one (the busiest stream, the main screen
 * if it has one) shows the downlink; every stats request waits in the worker's queue with the
 * requests that change what people see, so 120 peers must not cost thousands of them.
 */
const SAMPLED_CONSUMERS = 1;
const SAMPLING_ORDER: Record<Delivery, number> = { high: 0, low: 1, audio: 2, paused: 3 };

const KIND_OF_SOURCE: Record<MediaSource, MediaKind> = { mic: 'audio', camera: 'video' };

/**
 * One participant's media inside a room: its WebRTC transports, the tracks it publishes
 * (producers) and the tracks it receives (consumers). Every lookup by id goes through the room's
 * ownership index, so a peer can only act on its own objects.
 */
export class MediaPeer {
  private readonly transports = new Map<string, types.Transport>();
  private readonly producers = new Map<string, types.Producer>();
  private readonly consumers = new Map<string, types.Consumer>();
  /** Producers this peer's codecs cannot receive; not retried until its capabilities change. */
  private readonly undeliverable = new Set<string>();
  /** Objects being created now: they count against the limits before they exist. */
  private readonly creating: Record<MediaObjectKind, number> = { transport: 0, producer: 0, consumer: 0 };
  /** Sources whose producer is being created, so two concurrent requests cannot both publish one. */
  private readonly publishing = new Set<MediaSource>();
  private capabilities: types.RtpCapabilities | undefined;
  private closed = false;
  private readonly lossMeter = new LossMeter();
  /** The feed carries (or is switching to) this peer's user: its consumers of that kind of the feed stay paused. */
  private ownFeed: Record<MediaKind, boolean> = { video: false, audio: false };
  private placement: Promise<PeerPlacement> | undefined;
  private placed: PeerPlacement | undefined;

  constructor(
    readonly id: string,
    /** The user behind this peer (one user may join from several devices). */
    readonly userId: string,
    private readonly context: PeerContext,
  ) {}

  /**
   * A browser still uses it: RTP arrives on one of its tracks, or (receiving only) a transport's
   * DTLS session is up. A browser that rejoined closed its old transports (DTLS close_notify), and
   * one that left sends nothing.
   */
  get inUseByBrowser(): boolean {
    if (this.producers.size > 0) return [...this.producers.values()].some(receivesRtp);
    return [...this.transports.values()].some((transport) => 'dtlsState' in transport && transport.dtlsState === 'connected');
  }

  /** The router its transports and tracks live on; undefined before its first transport. */
  get router(): types.Router | undefined {
    return this.placed?.router;
  }

  /** It can receive: capabilities known and a receive transport open. */
  get ready(): boolean {
    return this.capabilities !== undefined && this.receiveTransport() !== undefined;
  }

  setRtpCapabilities(rtpCapabilities: RtpCapabilities): void {
    const capabilities = structuredClone(rtpCapabilities) as types.RtpCapabilities;
    try {
      validateRtpCapabilities(capabilities);
    } catch (error) {
      asCallerMistake(error);
    }
    this.capabilities = capabilities;
    this.undeliverable.clear();
  }

  async createTransport(direction: TransportDirection): Promise<SfuResponse<'transport:create'>> {
    const { transportSettings } = this.context;
    const appData: TransportData = { direction, connected: false };
    const transport = await this.withinLimit('transport', this.transports.size, async () => {
      const { router, webRtcServer } = await this.place();
      const created = await router.createWebRtcTransport({
        webRtcServer,
        // TCP is for networks that block UDP; ICE picks UDP wherever it works.
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: transportSettings.initialAvailableOutgoingBitrate,
        appData,
      });
      if (this.closed) {
        created.close();
        throw new RequestError('not_found', `peer ${this.id} has left`);
      }
      this.track('transport', this.transports, created);
      return created;
    });
    if (direction === 'send') await transport.setMaxIncomingBitrate(transportSettings.maxIncomingBitrate);
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') {
        this.context.log.warn({ transportId: transport.id, state }, 'transport DTLS ended');
      }
    });
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  /**
   * A plain RTP transport for synthetic endpoints (benchmarks, tests): without `remote` it learns
   * the sender's address from its first packet (comedia); with it, it sends there.
   */
  async createPlainTransport(
    direction: TransportDirection,
    remote: { ip: string; port: number } | undefined,
  ): Promise<{ id: string; ip: string; port: number }> {
    const { transportSettings } = this.context;
    const appData: TransportData = { direction, connected: remote !== undefined };
    const transport = await this.withinLimit('transport', this.transports.size, async () => {
      const { router } = await this.place();
      const created = await router.createPlainTransport({ listenIp: transportSettings.plainListenIp, rtcpMux: true, comedia: remote === undefined, appData });
      if (this.closed) {
        created.close();
        throw new RequestError('not_found', `peer ${this.id} has left`);
      }
      this.track('transport', this.transports, created);
      return created;
    });
    if (remote) await transport.connect({ ip: remote.ip, port: remote.port });
    return { id: transport.id, ip: transport.tuple.localIp, port: transport.tuple.localPort };
  }

  async connectTransport(transportId: string, dtlsParameters: DtlsParameters): Promise<void> {
    const transport = this.own('transport', this.transports, transportId);
    const data = transport.appData as TransportData;
    if (data.connected) throw new RequestError('conflict', `transport ${transportId} is already connected`);
    data.connected = true;
    await transport.connect({ dtlsParameters: dtlsParameters as types.DtlsParameters }).catch((error: unknown) => {
      data.connected = false;
      asCallerMistake(error);
    });
  }

  async restartIce(transportId: string): Promise<types.IceParameters> {
    const transport = this.own('transport', this.transports, transportId);
    if (!('restartIce' in transport)) throw new RequestError('conflict', `transport ${transportId} has no ICE`);
    return (transport as types.WebRtcTransport).restartIce();
  }

  /**
   * Publishes a track. A microphone of someone who may not speak now is created paused whatever
   * the client asked: joining muted is the server's rule, not the browser's.
   */
  async produce(request: ProduceRequest, mayUnmute: boolean): Promise<types.Producer> {
    const transport = this.own('transport', this.transports, request.transportId);
    if ((transport.appData as TransportData).direction !== 'send') {
      throw new RequestError('conflict', `transport ${transport.id} is for receiving`);
    }
    if (KIND_OF_SOURCE[request.source] !== request.kind) {
      throw new RequestError('invalid_payload', `a ${request.source} track must be ${KIND_OF_SOURCE[request.source]}`);
    }
    // One track per source: a second camera would double every subscriber's load for nothing.
    if (this.publishing.has(request.source) || this.publishedTracks().some((published) => published.source === request.source)) {
      throw new RequestError('conflict', `peer ${this.id} already publishes its ${request.source}`);
    }
    this.publishing.add(request.source);
    try {
      return await this.withinLimit('producer', this.producers.size, () => this.createProducer(transport, request, mayUnmute));
    } finally {
      this.publishing.delete(request.source);
    }
  }

  private async createProducer(transport: types.Transport, request: ProduceRequest, mayUnmute: boolean): Promise<types.Producer> {
    const appData: ProducerData = { peerId: this.id, userId: this.userId, source: request.source, activeSince: Date.now() };
    const producer = await transport
      .produce({
        kind: request.kind,
        rtpParameters: structuredClone(request.rtpParameters) as types.RtpParameters,
        // Without the floor a microphone starts paused, whatever the client asked: the server decides who is heard.
        paused: request.paused || (request.source === 'mic' && !mayUnmute),
        appData,
      })
      .catch(asCallerMistake);
    if (producer.closed) throw new RequestError('not_found', `transport ${transport.id} closed meanwhile`);
    this.track('producer', this.producers, producer);
    return producer;
  }

  async pauseProducer(producerId: string): Promise<void> {
    await this.own('producer', this.producers, producerId).pause();
  }

  /** The peer unmutes: refused for a microphone while the floor is not theirs. */
  async resumeProducer(producerId: string, mayUnmute: boolean): Promise<void> {
    const producer = this.own('producer', this.producers, producerId);
    if ((producer.appData as ProducerData).source === 'mic' && !mayUnmute) {
      throw new RequestError('forbidden', 'The chair has not given you the floor');
    }
    await this.resume(producer);
  }

  /** The server mutes this peer's microphones (floor taken back, chair muted them); returns how many. */
  async pauseMicrophones(): Promise<number> {
    let changed = 0;
    for (const producer of this.microphones()) {
      if (producer.paused) continue;
      await producer.pause();
      changed++;
      this.context.notify({ event: 'media:producerPaused', payload: { producerId: producer.id, source: 'mic' } });
    }
    return changed;
  }

  /** The server unmutes this peer's microphones (the chair gave them the floor); returns how many. */
  async resumeMicrophones(): Promise<number> {
    let changed = 0;
    for (const producer of this.microphones()) {
      if (!producer.paused) continue;
      await this.resume(producer);
      changed++;
      this.context.notify({ event: 'media:producerResumed', payload: { producerId: producer.id, source: 'mic' } });
    }
    return changed;
  }

  /** Closing it closes every consumer of it; mediasoup tells their peers ('producerclose'). */
  closeProducer(producerId: string): void {
    this.own('producer', this.producers, producerId).close();
  }

  /** The browser is ready for this consumer; media flows unless the policy keeps it paused. */
  async resumeConsumer(consumerId: string): Promise<void> {
    const consumer = this.own('consumer', this.consumers, consumerId);
    (consumer.appData as ConsumerData).clientReady = true;
    await this.apply(consumer);
  }

  /**
   * The main-screen feed carries, or is about to carry, this user's own picture (`video`) or voice
   * (`audio`): those feed consumers pause now, before the feed switches, and stay paused whatever
   * the plan or the browser asks until the feed has moved on. Nobody hears or sees themself.
   */
  async holdOwnFeed(ownFeed: Record<MediaKind, boolean>): Promise<void> {
    if (ownFeed.video === this.ownFeed.video && ownFeed.audio === this.ownFeed.audio) return;
    this.ownFeed = { ...ownFeed };
    const feedConsumers = [...this.consumers.values()].filter((consumer) => (consumer.appData as ConsumerData).feed);
    await Promise.all(feedConsumers.map((consumer) => this.apply(consumer).catch(() => undefined)));
  }

  publishedTracks(): PublishedTrack[] {
    return [...this.producers.values()].map((producer) => {
      const data = producer.appData as ProducerData;
      return {
        producerId: producer.id,
        peerId: this.id,
        userId: this.userId,
        kind: producer.kind,
        source: data.source,
        paused: producer.paused,
        activeSince: data.activeSince,
        live: receivesRtp(producer),
      };
    });
  }

  producer(producerId: string): types.Producer | undefined {
    return this.producers.get(producerId);
  }

  /** What this peer receives now, including tracks it was found unable to receive. */
  subscriptions(): CurrentSubscription[] {
    const received = [...this.consumers.values()].map((consumer) => ({
      subscriberId: this.id,
      producerId: consumer.producerId,
      delivery: (consumer.appData as ConsumerData).delivery as Delivery | undefined,
    }));
    const undecodable = [...this.undeliverable].map((producerId) => ({ subscriberId: this.id, producerId, delivery: undefined }));
    return [...received, ...undecodable];
  }

  /**
   * Starts receiving `producer`: the consumer is created paused and announced, and the client
   * resumes it once its side is ready, so no media is lost before the browser can decode it.
   */
  async subscribe(producer: types.Producer, delivery: Delivery): Promise<void> {
    const transport = this.receiveTransport();
    const rtpCapabilities = this.capabilities;
    const router = this.router;
    if (!transport || !rtpCapabilities || !router) return;
    // A producer of another router must have been piped to this one first (room-routers.ts).
    if (!router.canConsume({ producerId: producer.id, rtpCapabilities })) {
      this.undeliverable.add(producer.id);
      this.context.log.warn({ producerId: producer.id }, 'peer cannot decode this track');
      return;
    }
    // The forwarding rule never asks for this many; the cap keeps a bug from exhausting the worker.
    await this.withinLimit('consumer', this.consumers.size, () => this.consume(transport, rtpCapabilities, producer, delivery));
  }

  private async consume(transport: types.Transport, rtpCapabilities: types.RtpCapabilities, producer: types.Producer, delivery: Delivery): Promise<void> {
    const { peerId, source, feed } = producer.appData as ProducerData;
    const preferredLayers = initialLayers(delivery);
    const appData: ConsumerData = {
      publisherId: peerId,
      delivery,
      clientReady: false,
      priority: DEFAULT_PRIORITY,
      ...(feed ? { feed: true as const } : {}),
      ...(preferredLayers && producer.kind === 'video' ? { spatialLayer: preferredLayers.spatialLayer } : {}),
    };
    const consumer = await transport.consume({
      producerId: producer.id,
      rtpCapabilities,
      paused: true,
      ...(preferredLayers && producer.kind === 'video' ? { preferredLayers } : {}),
      appData,
    });
    if (consumer.closed) return;
    this.track('consumer', this.consumers, consumer);
    this.relayConsumerEvents(consumer);
    this.context.notify({
      event: 'media:newConsumer',
      payload: {
        consumerId: consumer.id,
        producerId: producer.id,
        peerId,
        kind: consumer.kind,
        source,
        rtpParameters: consumer.rtpParameters,
        producerPaused: consumer.producerPaused,
        ...(feed ? { feed } : {}),
      },
    });
  }

  /** The policy wants another layer, or the consumer paused or running again. */
  async setDelivery(producerId: string, delivery: Delivery): Promise<void> {
    for (const consumer of this.consumers.values()) {
      if (consumer.producerId !== producerId) continue;
      (consumer.appData as ConsumerData).delivery = delivery;
      await this.apply(consumer);
    }
  }

  /** Stops receiving `producerId` because the policy no longer wants it. */
  unsubscribe(producerId: string): void {
    this.undeliverable.delete(producerId);
    for (const consumer of this.consumers.values()) {
      if (consumer.producerId !== producerId) continue;
      consumer.close();
      this.context.notify({ event: 'media:consumerClosed', payload: { consumerId: consumer.id } });
    }
  }

  counts(): { transports: number; producers: number; consumers: number } {
    return { transports: this.transports.size, producers: this.producers.size, consumers: this.consumers.size };
  }

  /** Bitrates both ways, loss both ways and round trip, measured since the previous reading. */
  async linkQuality(): Promise<PeerLinkQuality> {
    const [send, recv] = [this.newestTransport('send'), this.newestTransport('recv')];
    const [uplink, downlink] = await Promise.all([transportBitrates(send), transportBitrates(recv)]);
    // A paused microphone tells nothing about the link (and most are paused in floor mode).
    const uplinkLosses = await Promise.all(
      [...this.producers.values()].filter((producer) => !producer.paused).map(async (producer) =>
        this.lossMeter.read(producer.id, (await statsOf(producer)) as never[], 'inbound-rtp'),
      ),
    );
    const sampled = [...this.consumers.values()]
      .filter((consumer) => !consumer.paused)
      .sort((a, b) => SAMPLING_ORDER[(a.appData as ConsumerData).delivery] - SAMPLING_ORDER[(b.appData as ConsumerData).delivery])
      .slice(0, SAMPLED_CONSUMERS);
    const consumerStats = await Promise.all(sampled.map(async (consumer) => ({ id: consumer.id, stats: (await statsOf(consumer)) as never[] })));
    return {
      uplinkBitrate: uplink.recv,
      downlinkBitrate: downlink.send,
      uplinkLossPercent: worstLoss(uplinkLosses),
      downlinkLossPercent: worstLoss(consumerStats.map(({ id, stats }) => this.lossMeter.read(id, stats, 'outbound-rtp'))),
      roundTripMs: roundTripOf(consumerStats.flatMap(({ stats }) => stats)),
    };
  }

  /** Packets and bytes its consumers sent so far, and how many of them run now. */
  async traffic(): Promise<{ consumers: number; active: number; packetsSent: number; bytesSent: number }> {
    const totals = { consumers: this.consumers.size, active: 0, packetsSent: 0, bytesSent: 0 };
    await Promise.all(
      [...this.consumers.values()].map(async (consumer) => {
        if (!consumer.paused && !consumer.producerPaused) totals.active++;
        for (const stat of (await statsOf(consumer)) as { type?: string; packetCount?: number; byteCount?: number }[]) {
          if (stat.type !== 'outbound-rtp') continue;
          totals.packetsSent += stat.packetCount ?? 0;
          totals.bytesSent += stat.byteCount ?? 0;
        }
      }),
    );
    return totals;
  }

  /** Packets its producers received so far. */
  async packetsReceived(): Promise<number> {
    const readings = await Promise.all([...this.producers.values()].map(statsOf));
    let packets = 0;
    for (const stat of readings.flat() as { type?: string; packetCount?: number }[]) {
      if (stat.type === 'inbound-rtp') packets += stat.packetCount ?? 0;
    }
    return packets;
  }

  /** Closes its transports, and with them everything it sent and received. */
  close(): void {
    this.closed = true;
    for (const transport of this.transports.values()) transport.close();
  }

  /** Its router and WebRtcServer, decided once (the same for all its transports). */
  private async place(): Promise<PeerPlacement> {
    this.placement ??= this.context.place().then(
      (placed) => (this.placed = placed),
      (error: unknown) => {
        // Its worker's router could not be made (the worker died meanwhile): the next transport tries again.
        this.placement = undefined;
        throw error;
      },
    );
    return this.placement;
  }

  private apply(consumer: types.Consumer): Promise<void> {
    const held = () => (consumer.appData as ConsumerData).feed === true && this.ownFeed[consumer.kind];
    return applyDelivery(consumer, { held, ...(this.context.keyFrames ? { keyFrames: this.context.keyFrames } : {}) });
  }

  private relayConsumerEvents(consumer: types.Consumer): void {
    const notify = (event: 'media:consumerPaused' | 'media:consumerResumed' | 'media:consumerClosed') => {
      // A peer that is leaving, or a room that is closing or lost, has no one left to tell.
      if (this.closed || this.router?.closed !== false) return;
      this.context.notify({ event, payload: { consumerId: consumer.id } });
    };
    consumer.on('producerpause', () => notify('media:consumerPaused'));
    consumer.on('producerresume', () => notify('media:consumerResumed'));
    consumer.on('producerclose', () => notify('media:consumerClosed'));
    consumer.on('transportclose', () => notify('media:consumerClosed'));
  }

  /** The newest open receive transport: a client that rebuilt its transport wants media there. */
  private receiveTransport(): types.Transport | undefined {
    return this.newestTransport('recv');
  }

  private newestTransport(direction: TransportDirection): types.Transport | undefined {
    let newest: types.Transport | undefined;
    for (const transport of this.transports.values()) {
      if ((transport.appData as TransportData).direction === direction && !transport.closed) newest = transport;
    }
    return newest;
  }

  private microphones(): types.Producer[] {
    return [...this.producers.values()].filter((producer) => (producer.appData as ProducerData).source === 'mic');
  }

  private async resume(producer: types.Producer): Promise<void> {
    if (producer.paused) (producer.appData as ProducerData).activeSince = Date.now();
    await producer.resume();
  }

  /** Registers a new object as this peer's until mediasoup closes it, for whatever reason. */
  private track<T extends { id: string; observer: types.Producer['observer'] }>(
    kind: MediaObjectKind,
    objects: Map<string, T>,
    object: T,
  ): void {
    objects.set(object.id, object);
    this.context.ownership.claim(object.id, this.id);
    object.observer.once('close', () => {
      objects.delete(object.id);
      this.context.ownership.release(object.id);
      this.lossMeter.forget(object.id);
      this.context.log.debug({ [`${kind}Id`]: object.id }, `${kind} closed`);
    });
  }

  /** Runs `create` unless the peer already holds (or is creating) its limit of this kind: `limit_reached`. */
  private async withinLimit<T>(kind: MediaObjectKind, held: number, create: () => Promise<T>): Promise<T> {
    const limit = this.context.limits[kind];
    if (held + this.creating[kind] >= limit) {
      throw new RequestError('limit_reached', `a peer may hold at most ${limit} ${kind}s`);
    }
    this.creating[kind]++;
    try {
      return await create();
    } finally {
      this.creating[kind]--;
    }
  }

  private own<T>(kind: MediaObjectKind, objects: Map<string, T>, objectId: string): T {
    const object = objects.get(objectId);
    if (object === undefined) throw this.context.ownership.refusal(kind, objectId, this.id);
    return object;
  }
}

/**
 * RTP is arriving for the producer: the worker scores each of its streams, and a stream that got
 * no packet for 1.5 s (5 s with DTX) drops to 0; before its first packet it has no score at all.
 */
export function receivesRtp(producer: types.Producer): boolean {
  return producer.score.some((stream) => stream.score > 0);
}

/** A producer's or consumer's stats; none if it closed while we asked (a peer leaving mid-reading). */
async function statsOf(object: { getStats(): Promise<unknown[]> }): Promise<unknown[]> {
  try {
    return await object.getStats();
  } catch {
    return [];
  }
}
