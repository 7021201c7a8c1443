import type { types } from 'mediasoup';
import { validateRtpCapabilities } from 'mediasoup/lib/ortc.js';
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
import { asCallerMistake } from './mediasoup-errors.js';
import type { MediaObjectKind, OwnershipIndex } from './ownership.js';
import type { PublishedTrack, Subscription } from './subscription-policy.js';

export interface TransportSettings {
  listenIps: types.TransportListenIp[];
  initialAvailableOutgoingBitrate: number;
  /** Cap on what one peer may send us, in bits per second. */
  maxIncomingBitrate: number;
}

export interface PeerContext {
  router: types.Router;
  ownership: OwnershipIndex;
  transportSettings: TransportSettings;
  notify: (notification: PeerNotification) => void;
  log: Logger;
}

export interface ProduceRequest {
  transportId: string;
  kind: MediaKind;
  rtpParameters: RtpParameters;
  source: MediaSource;
  paused: boolean;
}

interface TransportData {
  direction: TransportDirection;
  connected: boolean;
}
interface ProducerData {
  peerId: string;
  source: MediaSource;
}

const KIND_OF_SOURCE: Record<MediaSource, MediaKind> = { mic: 'audio', camera: 'video' };

/**
 * One participant's media inside a room: its WebRTC transports, the tracks it publishes
 * (producers) and the tracks it receives (consumers). Every lookup by id goes through the room's
 * ownership index, so a peer can only act on its own objects.
 */
export class MediaPeer {
  private readonly transports = new Map<string, types.WebRtcTransport>();
  private readonly producers = new Map<string, types.Producer>();
  private readonly consumers = new Map<string, types.Consumer>();
  /** Producers this peer's codecs cannot receive; not retried until its capabilities change. */
  private readonly undeliverable = new Set<string>();
  private capabilities: types.RtpCapabilities | undefined;
  private closed = false;

  constructor(
    readonly id: string,
    private readonly context: PeerContext,
  ) {}

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
    const { router, transportSettings } = this.context;
    const appData: TransportData = { direction, connected: false };
    const transport = await router.createWebRtcTransport({
      listenIps: transportSettings.listenIps,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: transportSettings.initialAvailableOutgoingBitrate,
      appData,
    });
    if (this.closed) {
      transport.close();
      throw new RequestError('not_found', `peer ${this.id} has left`);
    }
    if (direction === 'send') await transport.setMaxIncomingBitrate(transportSettings.maxIncomingBitrate);
    this.track('transport', this.transports, transport);
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
    return this.own('transport', this.transports, transportId).restartIce();
  }

  async produce(request: ProduceRequest): Promise<types.Producer> {
    const transport = this.own('transport', this.transports, request.transportId);
    if ((transport.appData as TransportData).direction !== 'send') {
      throw new RequestError('conflict', `transport ${transport.id} is for receiving`);
    }
    if (KIND_OF_SOURCE[request.source] !== request.kind) {
      throw new RequestError('invalid_payload', `a ${request.source} track must be ${KIND_OF_SOURCE[request.source]}`);
    }
    // One track per source: a second camera would double every subscriber's load for nothing.
    if (this.publishedTracks().some((published) => published.source === request.source)) {
      throw new RequestError('conflict', `peer ${this.id} already publishes its ${request.source}`);
    }
    const appData: ProducerData = { peerId: this.id, source: request.source };
    const producer = await transport
      .produce({
        kind: request.kind,
        rtpParameters: structuredClone(request.rtpParameters) as types.RtpParameters,
        paused: request.paused,
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

  async resumeProducer(producerId: string): Promise<void> {
    await this.own('producer', this.producers, producerId).resume();
  }

  /** Closing it closes every consumer of it; mediasoup tells their peers ('producerclose'). */
  closeProducer(producerId: string): void {
    this.own('producer', this.producers, producerId).close();
  }

  async resumeConsumer(consumerId: string): Promise<void> {
    await this.own('consumer', this.consumers, consumerId).resume();
  }

  publishedTracks(): PublishedTrack[] {
    return [...this.producers.values()].map((producer) => ({
      producerId: producer.id,
      peerId: this.id,
      kind: producer.kind,
      source: (producer.appData as ProducerData).source,
    }));
  }

  producer(producerId: string): types.Producer | undefined {
    return this.producers.get(producerId);
  }

  /** What this peer receives now, including tracks it was found unable to receive. */
  subscriptions(): Subscription[] {
    const producerIds = [...[...this.consumers.values()].map((consumer) => consumer.producerId), ...this.undeliverable];
    return producerIds.map((producerId) => ({ subscriberId: this.id, producerId }));
  }

  /**
   * Starts receiving `producer`: the consumer is created paused and announced, and the client
   * resumes it once its side is ready, so no media is lost before the browser can decode it.
   */
  async subscribe(producer: types.Producer): Promise<void> {
    const transport = this.receiveTransport();
    const rtpCapabilities = this.capabilities;
    if (!transport || !rtpCapabilities) return;
    if (!this.context.router.canConsume({ producerId: producer.id, rtpCapabilities })) {
      this.undeliverable.add(producer.id);
      this.context.log.warn({ producerId: producer.id }, 'peer cannot decode this track');
      return;
    }
    const { peerId, source } = producer.appData as ProducerData;
    const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities, paused: true });
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
      },
    });
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

  /** Closes its transports, and with them everything it sent and received. */
  close(): void {
    this.closed = true;
    for (const transport of this.transports.values()) transport.close();
  }

  private relayConsumerEvents(consumer: types.Consumer): void {
    const notify = (event: 'media:consumerPaused' | 'media:consumerResumed' | 'media:consumerClosed') => {
      // A peer that is leaving, or a room that is closing or lost, has no one left to tell.
      if (this.closed || this.context.router.closed) return;
      this.context.notify({ event, payload: { consumerId: consumer.id } });
    };
    consumer.on('producerpause', () => notify('media:consumerPaused'));
    consumer.on('producerresume', () => notify('media:consumerResumed'));
    consumer.on('producerclose', () => notify('media:consumerClosed'));
    consumer.on('transportclose', () => notify('media:consumerClosed'));
  }

  /** The newest open receive transport: a client that rebuilt its transport wants media there. */
  private receiveTransport(): types.WebRtcTransport | undefined {
    let newest: types.WebRtcTransport | undefined;
    for (const transport of this.transports.values()) {
      if ((transport.appData as TransportData).direction === 'recv' && !transport.closed) newest = transport;
    }
    return newest;
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
      this.context.log.debug({ [`${kind}Id`]: object.id }, `${kind} closed`);
    });
  }

  private own<T>(kind: MediaObjectKind, objects: Map<string, T>, objectId: string): T {
    const object = objects.get(objectId);
    if (object === undefined) throw this.context.ownership.refusal(kind, objectId, this.id);
    return object;
  }
}
