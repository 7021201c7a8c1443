import { Device, type types as ms } from 'mediasoup-client';
import type {
  ConsumerOptions,
  MediaSource,
  PeerInfo,
  RtpCapabilities as ProtocolRtpCapabilities,
  RtpParameters as ProtocolRtpParameters,
  TransportDirection,
  TransportOptions,
} from '@ehop/protocol';
import { AppError, toAppError } from '../errors.js';
import { connectSocket, getSocket, isSocketConnected, onServerEvent, request } from '../socket.js';
import { markJoinAcknowledged, markJoinStep, markJoinVideoConsumer, markRemoteVideoTrack, setMediaProbe, setStatsSource, type CameraLayer } from './debug-hook.js';
import { mapInboundStats, type InboundStat } from './inbound-stats.js';
import type { LocalMedia } from './local-media.svelte.js';
import { MainFeed, NO_MAIN_FEED, type MainFeedView } from './main-feed.js';
import { PeerRoster, type RemotePeerView } from './peer-roster.js';
import { cameraEncodings } from './simulcast.js';

export type RoomPhase = 'idle' | 'joining' | 'joined' | 'reconnecting' | 'failed' | 'left';

interface ConsumerAppData extends ms.AppData {
  peerId: string;
  source: MediaSource;
}

/** Consumer events that arrived while `consume()` was still running for that consumer. */
interface EarlyConsumerEvents {
  closed: boolean;
  paused?: boolean;
}

/** A join that a newer join (or leaving) replaced: its work is dropped without telling the user. */
class Superseded extends Error {}

const REJOIN_DELAYS_MS = [0, 1_000, 2_000, 4_000, 8_000];
/** Announcements of new consumers this close together are set up as one batch (see onNewConsumer). */
const ANNOUNCEMENT_BURST_MS = 25;

/**
 * One meeting's media in this browser: the mediasoup Device, the send and receive transports,
 * our producers, the consumers of everyone else and of the room's main-screen feed. Components
 * only read its reactive state (`phase`, `self`, `peers`, `mainFeed`, `micOn`, `camOn`) and call
 * `join`, `leave`, `setMicOn`, `setCamOn`.
 */
export class MeetingMedia {
  phase = $state<RoomPhase>('idle');
  self = $state.raw<PeerInfo | null>(null);
  peers = $state.raw<RemotePeerView[]>([]);
  /** The main-screen feed: one picture that follows whoever the main screen shows (and who that is), and the floor holder's voice. */
  mainFeed = $state.raw<MainFeedView>(NO_MAIN_FEED);
  micOn = $state(false);
  camOn = $state(false);
  /**
   * Bumped each time the server has let us into the room (a first join or a rejoin): what depends
   * on being in the room (the conference state, the thumbnails we show) can be asked for from then
   * on, without waiting for our own camera and microphone to be published.
   */
  admissions = $state(0);
  /** A toggle is being applied: its button waits so clicks cannot interleave. */
  busy = $state<{ mic: boolean; camera: boolean }>({ mic: false, camera: false });

  private device: Device | null = null;
  private sendTransport: ms.Transport | null = null;
  private recvTransport: ms.Transport | null = null;
  private readonly producers = new Map<MediaSource, ms.Producer>();
  private readonly consumers = new Map<string, ms.Consumer<ConsumerAppData>>();
  private readonly earlyConsumerEvents = new Map<string, EarlyConsumerEvents>();
  /** Consumers announced in the current burst, not yet set up. */
  private announced: ConsumerOptions[] = [];
  private announcedFlush: ReturnType<typeof setTimeout> | null = null;
  private readonly roster = new PeerRoster();
  private readonly feed = new MainFeed();
  private readonly iceRestarted = new Set<string>();
  private unsubscribers: (() => void)[] = [];
  /** Bumped on every (re)join so work started for an older session drops its result. */
  private generation = 0;
  private rejoining: Promise<void> | null = null;
  /** Peer events that arrive before the `meeting:join` answer wait here, then apply on top of it. */
  private peerEventBuffer: (() => void)[] | null = null;

  constructor(
    private readonly meetingId: string,
    private readonly local: LocalMedia,
    /** Settles when the devices opened at the pre-join screen are ready (or were refused). */
    private readonly localReady: Promise<void>,
    private readonly onError: (error: AppError) => void,
  ) {
    this.micOn = local.micOn;
    this.camOn = local.camOn;
  }

  /** The join flow: signaling, device, transports, ready, then publish. Throws what went wrong. */
  async join(): Promise<void> {
    try {
      await this.joinOnce();
    } catch (error) {
      if (!(error instanceof Superseded)) throw error;
    }
  }

  private async joinOnce(): Promise<void> {
    const generation = ++this.generation;
    this.phase = this.phase === 'reconnecting' ? 'reconnecting' : 'joining';
    await connectSocket();
    this.subscribe();

    this.peerEventBuffer = [];
    let joined: Awaited<ReturnType<typeof request<'meeting:join'>>>;
    try {
      joined = await request('meeting:join', { meetingId: this.meetingId });
      markJoinAcknowledged();
      this.assertCurrent(generation);
      this.self = joined.self;
      this.roster.reset(joined.self.peerId, joined.peers);
      for (const apply of this.peerEventBuffer) apply();
      this.publishRoster();
      this.admissions++;
    } finally {
      this.peerEventBuffer = null;
    }

    // Loading the device (a local WebRTC probe) overlaps the two server round trips.
    const device = new Device();
    const [, sendOptions, recvOptions] = await Promise.all([
      device.load({ routerRtpCapabilities: joined.routerRtpCapabilities as ms.RtpCapabilities }),
      request('media:createTransport', { direction: 'send' }),
      request('media:createTransport', { direction: 'recv' }),
    ]);
    this.assertCurrent(generation);
    markJoinStep('transports created');
    this.device = device;
    this.sendTransport = this.createTransport(device, 'send', sendOptions);
    this.recvTransport = this.createTransport(device, 'recv', recvOptions);
    setStatsSource(() => this.inboundStats());
    setMediaProbe({
      producerId: (source) => this.producers.get(source)?.id ?? null,
      resumeLocally: (source) => this.producers.get(source)?.resume(),
      cameraLayers: () => this.cameraLayers(),
    });

    // From here the server creates consumers for us: receiving starts before we publish.
    await request('media:ready', { rtpCapabilities: device.rtpCapabilities as ProtocolRtpCapabilities });
    markJoinStep('media ready acknowledged');
    this.assertCurrent(generation);
    await this.publishInitialTracks(generation);
    this.phase = 'joined';
  }

  /** Leaves the room for good: tells signaling, closes transports and the devices. */
  async leave(): Promise<void> {
    if (this.phase === 'left') return;
    this.phase = 'left';
    this.generation++;
    this.closeMedia();
    this.unsubscribe();
    setStatsSource(null);
    setMediaProbe(null);
    // Offline (or signed out) there is nothing to tell: the server drops a disconnected peer itself.
    if (!isSocketConnected()) return;
    try {
      await request('meeting:leave', {}, 3_000);
    } catch {
      // Leaving must always succeed for the user.
    }
  }

  async setMicOn(on: boolean): Promise<void> {
    await this.toggle('mic', on);
  }

  async setCamOn(on: boolean): Promise<void> {
    await this.toggle('camera', on);
  }

  /** Tears the media down and joins again, retrying with backoff; used after losing the media path. */
  rejoin(): Promise<void> {
    this.rejoining ??= this.rejoinWithRetries().finally(() => (this.rejoining = null));
    return this.rejoining;
  }

  async inboundStats(): Promise<InboundStat[]> {
    if (!this.recvTransport || this.recvTransport.closed) return [];
    const report = await this.recvTransport.getStats();
    const identities = [...this.consumers.values()].map((consumer) => ({
      consumerId: consumer.id,
      peerId: consumer.appData.peerId,
      kind: consumer.kind,
      trackId: consumer.track.id,
      mid: consumer.rtpParameters.mid,
    }));
    return mapInboundStats(report.values(), identities);
  }

  // --- publishing -------------------------------------------------------------------------------

  /**
   * Everyone joins muted (the conference's rule, enforced by the SFU anyway): the microphone is
   * published paused and opens when the chair gives the floor or the participant unmutes.
   */
  private async publishInitialTracks(generation: number): Promise<void> {
    await this.localReady;
    this.assertCurrent(generation);
    this.micOn = false;
    this.local.micOn = false;
    this.camOn = this.local.camOn && this.local.videoTrack !== null;
    const results = await Promise.allSettled([
      this.local.audioTrack ? this.produce('mic', this.local.audioTrack, true) : null,
      this.camOn && this.local.videoTrack ? this.produce('camera', this.local.videoTrack, false) : null,
    ]);
    for (const result of results) if (result.status === 'rejected') this.onError(toAppError(result.reason));
  }

  private async produce(source: MediaSource, track: MediaStreamTrack, paused: boolean): Promise<ms.Producer> {
    const transport = this.sendTransport;
    if (!transport || !this.device) throw new AppError('not_in_meeting', 'no send transport');
    const producer = await transport.produce({
      track,
      // The tracks belong to LocalMedia (the self tile shows them); closing a producer keeps them.
      stopTracks: false,
      appData: { source, paused },
      ...(source === 'camera'
        ? {
            encodings: cameraEncodings(track.getSettings().height),
            codec: this.device.rtpCapabilities.codecs?.find((codec) => codec.mimeType.toLowerCase() === 'video/vp8'),
            codecOptions: { videoGoogleStartBitrate: 1000 },
          }
        : { codecOptions: { opusStereo: false, opusDtx: true, opusFec: true } }),
    });
    if (paused) producer.pause();
    this.producers.set(source, producer);
    producer.on('transportclose', () => this.producers.delete(source));
    return producer;
  }

  private async toggle(source: MediaSource, on: boolean): Promise<void> {
    if (this.busy[source] || this.phase !== 'joined') return;
    this.busy = { ...this.busy, [source]: true };
    try {
      if (on) await this.turnOn(source);
      else await this.turnOff(source);
    } catch (error) {
      this.onError(toAppError(error));
    } finally {
      this.busy = { ...this.busy, [source]: false };
    }
  }

  /** Local first, then the server: a muted microphone stops sending at once, whatever the network. */
  private async turnOff(source: MediaSource): Promise<void> {
    const producer = this.producers.get(source);
    producer?.pause();
    this.setOn(source, false);
    if (source === 'camera') {
      this.local.releaseVideo();
      this.local.camOn = false;
    } else {
      this.local.micOn = false;
    }
    if (producer) await request('media:pauseProducer', { producerId: producer.id });
  }

  private async turnOn(source: MediaSource): Promise<void> {
    const track = source === 'mic' ? await this.local.ensureAudioTrack() : await this.local.ensureVideoTrack();
    track.enabled = true;
    if (source === 'mic') this.local.micOn = true;
    else this.local.camOn = true;
    const producer = this.producers.get(source);
    if (!producer || producer.closed) {
      await this.produce(source, track, false);
      this.setOn(source, true);
      return;
    }
    if (producer.track !== track) await producer.replaceTrack({ track });
    producer.resume();
    this.setOn(source, true);
    try {
      await request('media:resumeProducer', { producerId: producer.id });
    } catch (error) {
      // The others would not hear or see us: show it as off rather than pretend.
      producer.pause();
      this.setOn(source, false);
      throw error;
    }
  }

  private setOn(source: MediaSource, on: boolean): void {
    if (source === 'mic') this.micOn = on;
    else this.camOn = on;
  }

  // --- transports -------------------------------------------------------------------------------

  private createTransport(device: Device, direction: TransportDirection, options: TransportOptions): ms.Transport {
    const params = {
      id: options.id,
      iceParameters: options.iceParameters as ms.IceParameters,
      iceCandidates: options.iceCandidates as ms.IceCandidate[],
      dtlsParameters: options.dtlsParameters as ms.DtlsParameters,
      iceServers: options.iceServers,
    };
    const transport = direction === 'send' ? device.createSendTransport(params) : device.createRecvTransport(params);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      request('media:connectTransport', { transportId: transport.id, dtlsParameters })
        .then(() => callback())
        .catch(errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        request('media:produce', {
          transportId: transport.id,
          kind,
          rtpParameters: rtpParameters as ProtocolRtpParameters,
          source: appData.source as MediaSource,
          paused: Boolean(appData.paused),
        })
          .then(({ producerId }) => callback({ id: producerId }))
          .catch(errback);
      });
    }
    transport.on('connectionstatechange', (state) => {
      if (state === 'connected' && direction === 'recv') markJoinStep('recv transport connected');
      if (state === 'failed') void this.recoverTransport(transport);
    });
    return transport;
  }

  /** A failed transport gets one ICE restart; failing again means the whole media session is rebuilt. */
  private async recoverTransport(transport: ms.Transport): Promise<void> {
    if (transport.closed || (this.phase !== 'joined' && this.phase !== 'joining')) return;
    if (this.iceRestarted.has(transport.id)) {
      this.onError(new AppError('ice_failed', `transport ${transport.id} failed after an ICE restart`));
      return this.rejoin();
    }
    this.iceRestarted.add(transport.id);
    try {
      const { iceParameters } = await request('media:restartIce', { transportId: transport.id });
      await transport.restartIce({ iceParameters: iceParameters as ms.IceParameters });
    } catch {
      await this.rejoin();
    }
  }

  // --- server events ----------------------------------------------------------------------------

  private subscribe(): void {
    if (this.unsubscribers.length > 0) return;
    this.unsubscribers = [
      onServerEvent('peer:joined', (info) => this.afterJoinAnswer(() => this.onPeerChanged(info))),
      onServerEvent('peer:updated', (info) => this.afterJoinAnswer(() => this.onPeerChanged(info))),
      onServerEvent('peer:left', ({ peerId }) => this.afterJoinAnswer(() => this.onPeerLeft(peerId))),
      onServerEvent('media:newConsumer', (options) => this.onNewConsumer(options)),
      onServerEvent('media:consumerClosed', ({ consumerId }) => this.onConsumerClosed(consumerId)),
      onServerEvent('media:consumerPaused', ({ consumerId }) => this.onConsumerPaused(consumerId, true)),
      onServerEvent('media:consumerResumed', ({ consumerId }) => this.onConsumerPaused(consumerId, false)),
      onServerEvent('media:mainFeed', (source) => {
        this.feed.setSource(source);
        this.publishFeed();
      }),
      onServerEvent('media:restart', () => void this.rejoin()),
      onServerEvent('media:producerPaused', ({ producerId }) => this.onServerMute(producerId, true)),
      onServerEvent('media:producerResumed', ({ producerId }) => this.onServerMute(producerId, false)),
      onServerEvent('media:sendLayers', ({ producerId, maxSpatialLayer }) => void this.sendOnlyLayers(producerId, maxSpatialLayer)),
      this.onSocketReconnect(),
    ];
  }

  /** Signaling forgets a peer whose socket dropped: after reconnecting, join again. */
  private onSocketReconnect(): () => void {
    const socket = getSocket();
    const onDisconnect = (reason: string) => {
      if (this.phase === 'left') return;
      if (reason === 'io server disconnect') {
        // The server closed us on purpose (the session was signed out): socket.io will not retry.
        this.phase = 'failed';
        this.onError(new AppError('unauthenticated', 'signaling closed the connection'));
        return;
      }
      if (this.phase === 'joined') this.phase = 'reconnecting';
    };
    const onReconnect = () => {
      if (this.phase === 'reconnecting' || this.phase === 'joined') void this.rejoin();
    };
    socket.on('disconnect', onDisconnect);
    socket.io.on('reconnect', onReconnect);
    return () => {
      socket.off('disconnect', onDisconnect);
      socket.io.off('reconnect', onReconnect);
    };
  }

  private unsubscribe(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers = [];
  }

  private afterJoinAnswer(apply: () => void): void {
    if (this.peerEventBuffer) this.peerEventBuffer.push(apply);
    else apply();
  }

  private onPeerChanged(info: PeerInfo): void {
    if (info.peerId === this.self?.peerId) {
      this.self = info;
      return;
    }
    this.roster.upsertPeer(info);
    this.publishRoster();
  }

  /**
   * The server paused or resumed our microphone (the floor was taken back or given): the local
   * producer follows, so what we show is what the others hear.
   */
  private onServerMute(producerId: string, paused: boolean): void {
    for (const [source, producer] of this.producers) {
      if (producer.id !== producerId || producer.closed) continue;
      if (paused) producer.pause();
      else producer.resume();
      if (source === 'mic') this.local.micOn = !paused;
      this.setOn(source, !paused);
    }
  }

  private async cameraLayers(): Promise<CameraLayer[]> {
    const camera = this.producers.get('camera');
    if (!camera || camera.closed || !camera.rtpSender) return [];
    const encodings = camera.rtpSender.getParameters().encodings;
    const report = await camera.getStats();
    const sent = new Map<string, { framesEncoded: number; frameHeight: number }>();
    report.forEach((stat: { type: string; rid?: string; framesEncoded?: number; frameHeight?: number }) => {
      if (stat.type === 'outbound-rtp' && stat.rid) sent.set(stat.rid, { framesEncoded: stat.framesEncoded ?? 0, frameHeight: stat.frameHeight ?? 0 });
    });
    // An encoding without `active` is on (the WebRTC default).
    return encodings.map((encoding) => ({
      rid: encoding.rid ?? '',
      active: encoding.active !== false,
      ...(sent.get(encoding.rid ?? '') ?? { framesEncoded: 0, frameHeight: 0 }),
    }));
  }

  /**
   * The SFU says which of the camera's simulcast layers anyone receives: the encoder stops the
   * others, which spares this computer's CPU and its uplink (most of a large meeting sees us as a thumbnail).
   */
  private async sendOnlyLayers(producerId: string, maxSpatialLayer: number): Promise<void> {
    const camera = this.producers.get('camera');
    if (!camera || camera.closed || camera.id !== producerId) return;
    const layerCount = camera.rtpParameters.encodings?.length ?? 1;
    await camera.setMaxSpatialLayer(Math.min(maxSpatialLayer, layerCount - 1)).catch((error: unknown) => console.warn('[ehop] could not change the camera layers', error));
  }

  private onPeerLeft(peerId: string): void {
    for (const consumerId of this.roster.removePeer(peerId)) this.closeConsumer(consumerId);
    this.publishRoster();
  }

  /**
   * Consumers the server announces together (on joining: the main screen, the thumbnails, the
   * voices) are set up together: one negotiation instead of one after another, and resumed
   * together, so the SFU shares its first bandwidth estimate among all of them and one key frame
   * request to a camera serves them all. One by one, the thumbnails came ~170 ms after the main
   * screen, found the estimate taken by it and waited up to a second (bench/join-latency.ts).
   */
  private onNewConsumer(options: ConsumerOptions): void {
    const transport = this.recvTransport;
    if (!transport || transport.closed) return;
    const generation = this.generation;
    if (options.kind === 'video') {
      markJoinVideoConsumer(options.consumerId, options.feed === 'main');
      markJoinStep(`consumer announced: ${options.feed === 'main' ? 'feed' : 'thumbnail'}`);
    }
    this.earlyConsumerEvents.set(options.consumerId, { closed: false });
    this.announced.push(options);
    this.announcedFlush ??= setTimeout(() => {
      const batch = this.announced;
      this.announced = [];
      this.announcedFlush = null;
      // Started in the same tick: mediasoup-client negotiates them in one go.
      for (const announced of batch) void this.consumeAnnounced(announced, transport, generation);
    }, ANNOUNCEMENT_BURST_MS);
  }

  private async consumeAnnounced(options: ConsumerOptions, transport: ms.Transport, generation: number): Promise<void> {
    const role = options.feed === 'main' ? 'feed' : 'thumbnail';
    // Dropped while it waited in the burst: rejoined, left, or the server closed it already.
    if (transport.closed || generation !== this.generation || this.earlyConsumerEvents.get(options.consumerId)?.closed) {
      this.earlyConsumerEvents.delete(options.consumerId);
      return;
    }
    let consumer: ms.Consumer<ConsumerAppData>;
    try {
      consumer = await transport.consume<ConsumerAppData>({
        id: options.consumerId,
        producerId: options.producerId,
        kind: options.kind,
        rtpParameters: options.rtpParameters as ms.RtpParameters,
        appData: { peerId: options.peerId, source: options.source },
      });
    } catch (error) {
      this.earlyConsumerEvents.delete(options.consumerId);
      this.onError(toAppError(error));
      return;
    }
    const early = this.earlyConsumerEvents.get(options.consumerId);
    this.earlyConsumerEvents.delete(options.consumerId);
    if (generation !== this.generation || early?.closed) {
      consumer.close();
      return;
    }
    this.consumers.set(consumer.id, consumer);
    consumer.on('transportclose', () => this.consumers.delete(consumer.id));
    const paused = early?.paused ?? options.producerPaused;
    if (options.feed === 'main') {
      // Not a participant's track: the main screen shows and plays it, no tile does.
      this.feed.setConsumer(consumer.kind, consumer.id, consumer.track, paused);
      this.publishFeed();
    } else {
      this.roster.addTrack(options.peerId, {
        consumerId: consumer.id,
        kind: consumer.kind,
        source: options.source,
        track: consumer.track,
        paused,
      });
      this.publishRoster();
    }
    if (consumer.kind === 'video') {
      markRemoteVideoTrack();
      markJoinStep(`consumer created: ${role}`);
    }
    try {
      await request('media:resumeConsumer', { consumerId: consumer.id });
      if (consumer.kind === 'video') markJoinStep(`consumer resume acknowledged: ${role}`);
    } catch (error) {
      if (generation === this.generation) this.onError(toAppError(error));
    }
  }

  private onConsumerClosed(consumerId: string): void {
    const early = this.earlyConsumerEvents.get(consumerId);
    if (early) early.closed = true;
    this.closeConsumer(consumerId);
    if (this.roster.removeTrack(consumerId)) this.publishRoster();
    if (this.feed.removeConsumer(consumerId)) this.publishFeed();
  }

  private onConsumerPaused(consumerId: string, paused: boolean): void {
    const early = this.earlyConsumerEvents.get(consumerId);
    if (early) early.paused = paused;
    if (this.roster.setPaused(consumerId, paused)) this.publishRoster();
    if (this.feed.setPaused(consumerId, paused)) this.publishFeed();
  }

  private closeConsumer(consumerId: string): void {
    this.consumers.get(consumerId)?.close();
    this.consumers.delete(consumerId);
  }

  // --- lifecycle --------------------------------------------------------------------------------

  private async rejoinWithRetries(): Promise<void> {
    if (this.phase === 'left') return;
    this.phase = 'reconnecting';
    for (const delay of REJOIN_DELAYS_MS) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.hasLeft()) return;
      this.generation++;
      this.closeMedia();
      try {
        await request('meeting:leave', {}, 3_000).catch(() => undefined);
        await this.joinOnce();
        return;
      } catch (error) {
        if (error instanceof Superseded) return;
        const appError = toAppError(error);
        // Refusals will not change by retrying (removed from the meeting, signed out).
        if (['forbidden', 'unauthenticated', 'not_found', 'meeting_ended'].includes(appError.code)) {
          this.phase = 'failed';
          this.onError(appError);
          return;
        }
      }
    }
    if (!this.hasLeft()) {
      this.phase = 'failed';
      this.onError(new AppError('media_unavailable', 'could not rejoin the meeting'));
    }
  }

  /** Closes transports (and with them producers and consumers); local tracks stay open. */
  private closeMedia(): void {
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
    this.device = null;
    this.producers.clear();
    this.consumers.clear();
    this.earlyConsumerEvents.clear();
    this.iceRestarted.clear();
    this.roster.reset(this.self?.peerId ?? '', []);
    this.publishRoster();
    this.feed.reset();
    this.publishFeed();
  }

  private publishRoster(): void {
    this.peers = this.roster.view();
  }

  private publishFeed(): void {
    this.mainFeed = this.feed.view();
  }

  /** Read through a method: the phase changes across awaits, which TypeScript's narrowing ignores. */
  private hasLeft(): boolean {
    return this.phase === 'left';
  }

  private assertCurrent(generation: number): void {
    if (generation !== this.generation || this.phase === 'left') throw new Superseded();
  }
}
