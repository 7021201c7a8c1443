import type { Device, types as ms } from 'mediasoup-client';
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
import { RetryLoop } from '../retry-loop.js';
import { isFinalRefusal, type Backoff } from '../retry-policy.js';
import { connectSocket, getSocket, isSocketConnected, onServerEvent, request } from '../socket.js';
import { markJoinAcknowledged, markJoinStep, markJoinVideoConsumer, markRemoteVideoTrack, setMediaProbe, setStatsSource, type CameraLayer } from './debug-hook.js';
import { deviceFor } from './device-preload.js';
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
/** What `media:join` opens: the router's capabilities and this peer's two transports. */
interface MediaSession {
  routerRtpCapabilities: ProtocolRtpCapabilities;
  transports: Record<TransportDirection, TransportOptions>;
}

interface EarlyConsumerEvents {
  closed: boolean;
  paused?: boolean;
}

/** A join that a newer join (or leaving) replaced: its work is dropped without telling the user. */
class Superseded extends Error {}

/** The meeting itself refused us (removed, signed out, meeting over or gone): trying again cannot help. */
class MeetingRefused extends Error {
  constructor(readonly appError: AppError) {
    super(appError.message);
  }
}

/**
 * Lost media is rebuilt for as long as the page is open: a hall's TV has nobody to press a button.
 * Waits grow to at most 15 s (10.5-15 s with the jitter, so the endpoints of a meeting do not all
 * come back in the same instant), and signaling's `media:available` cuts a wait short.
 */
const REJOIN_BACKOFF: Backoff = { firstDelayMs: 1_000, maxDelayMs: 15_000, jitter: 0.3 };
/** Announcements of new consumers this close together are set up as one batch (see onNewConsumer). */
const ANNOUNCEMENT_BURST_MS = 25;

/**
 * One meeting's media in this browser: the mediasoup Device, the send and receive transports,
 * our producers, the consumers of everyone else and of the room's main-screen feed. Components
 * only read its reactive state (`phase`, `lostAt`, `inMeeting`, `self`, `peers`, `mainFeed`, `micOn`,
 * `camOn`) and call `join`, `leave`, `retryNow`, `setMicOn`, `setCamOn`.
 */
export class MeetingMedia {
  phase = $state<RoomPhase>('idle');
  /** When the media was lost (`Date.now()`), while reconnecting: the screen tells how long ago. */
  lostAt = $state<number | null>(null);
  /**
   * Signaling has this page in the meeting (its events, the conference, presence), media or not:
   * through an SFU outage the page stays in, and the chair keeps running the floor.
   */
  inMeeting = $state(false);
  self = $state.raw<PeerInfo | null>(null);
  peers = $state.raw<RemotePeerView[]>([]);
  /** The main-screen feed: one picture that follows whoever the main screen shows (and who that is), and the floor holder's voice. */
  mainFeed = $state.raw<MainFeedView>(NO_MAIN_FEED);
  micOn = $state(false);
  camOn = $state(false);
  /**
   * Our SFU peer is open (signaling answered `media:join`) and not lost since: what we receive (the
   * thumbnails we show) can be asked for from then on, without waiting for our own camera and
   * microphone to be published.
   */
  mediaOpen = $state(false);
  /** A toggle is being applied: its button waits so clicks cannot interleave. */
  busy = $state<{ mic: boolean; camera: boolean }>({ mic: false, camera: false });
  /**
   * Whether we may be heard now (the conference's floor rule); the meeting room sets it. It only
   * decides what a rejoin asks for: the SFU has the last word on every microphone.
   */
  maySpeak: () => boolean = () => false;

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
  /** The room was joined once: every later connection is a rejoin, which keeps an open microphone open. */
  private joinedBefore = false;
  /** The SFU's answer to each `media:produce` (created paused or not), until `produce` reads it. */
  private readonly createdPaused = new Map<string, boolean>();
  private readonly retries = new RetryLoop(() => this.connectOnce(), {
    backoff: REJOIN_BACKOFF,
    // Leaving ends the tries (the attempt under way is superseded); nothing else but the meeting's refusal does.
    isFinal: (error) => error instanceof MeetingRefused || this.hasLeft(),
  });
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

  /**
   * The join flow: the meeting, then its media (device, transports, ready, publish). Throws only
   * when the meeting refuses us; anything else (the SFU away, the network down) leaves the room
   * reconnecting by itself.
   */
  async join(): Promise<void> {
    this.phase = 'joining';
    try {
      await this.connectOnce();
    } catch (error) {
      if (error instanceof Superseded) return;
      if (error instanceof MeetingRefused) throw error.appError;
      void this.keepRetrying(1);
    }
  }

  /** One try: the socket, the meeting (unless signaling still has us in it), then the media. */
  private async connectOnce(): Promise<void> {
    const generation = ++this.generation;
    if (this.phase !== 'joining') this.markLost();
    this.closeMedia();
    await refusedForGood(() => connectSocket());
    this.assertCurrent(generation);
    this.subscribe();
    // The media session comes with both transports: no round trip between opening and negotiating.
    const { routerRtpCapabilities, transports } = await this.openMediaSession(generation);
    this.assertCurrent(generation);
    this.mediaOpen = true;
    // Loaded at the pre-join screen, normally: joining does not wait for the local WebRTC probe.
    const device = await deviceFor(this.meetingId, routerRtpCapabilities);
    this.assertCurrent(generation);
    markJoinStep('transports created');
    this.device = device;
    this.sendTransport = this.createTransport(device, 'send', transports.send);
    this.recvTransport = this.createTransport(device, 'recv', transports.recv);
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
    this.joinedBefore = true;
    this.lostAt = null;
  }

  /**
   * Enters the meeting if signaling does not have us in it, and opens our media there. Entering
   * and opening are sent together: the server answers them in order, so media costs no extra round
   * trip, and when only the media fails we are still in the meeting and hear `media:available`.
   */
  private async openMediaSession(generation: number): Promise<MediaSession> {
    const entering = this.inMeeting ? null : refusedForGood(() => this.enterMeeting(generation));
    const opening = request('media:join', { transports: true });
    if (entering) {
      opening.catch(() => undefined); // when entering failed, so did this: entering's error is the one to show
      await entering;
    }
    try {
      const { routerRtpCapabilities, transports } = await opening;
      if (!transports) throw new Error('media:join answered without the transports asked for');
      return { routerRtpCapabilities, transports };
    } catch (error) {
      // Signaling forgot us (e.g. it restarted): enter again on the next try.
      if (toAppError(error).code === 'not_in_meeting') this.inMeeting = false;
      throw error;
    }
  }

  private async enterMeeting(generation: number): Promise<void> {
    this.peerEventBuffer = [];
    try {
      const joined = await request('meeting:join', { meetingId: this.meetingId, media: false });
      markJoinAcknowledged();
      this.assertCurrent(generation);
      this.self = joined.self;
      this.roster.reset(joined.self.peerId, joined.peers);
      for (const apply of this.peerEventBuffer) apply();
      this.publishRoster();
      this.inMeeting = true;
    } finally {
      this.peerEventBuffer = null;
    }
  }

  /** Leaves the room for good: tells signaling, closes transports and the devices. */
  async leave(): Promise<void> {
    if (this.phase === 'left') return;
    this.phase = 'left';
    this.inMeeting = false;
    this.generation++;
    this.retries.stop();
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

  /** "Try now": a reconnecting room tries at once instead of waiting; a failed one starts over. */
  retryNow(): void {
    if (this.hasLeft()) return;
    if (this.retries.active) this.retries.nudge(false);
    else void this.keepRetrying(0);
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
   * published paused and opens when the chair gives the floor or the participant unmutes. A rejoin
   * (network, SFU or worker lost) keeps a microphone that was on open while we may still speak: a
   * commune hall's floor holder must be heard again with nobody at the keyboard. The button then
   * shows what the SFU decided, which is what the others hear.
   */
  private async publishInitialTracks(generation: number): Promise<void> {
    await this.localReady;
    this.assertCurrent(generation);
    const audioTrack = this.local.audioTrack;
    const keepMicOpen = this.joinedBefore && this.micOn && audioTrack !== null && this.maySpeak();
    if (keepMicOpen) audioTrack.enabled = true;
    this.camOn = this.local.camOn && this.local.videoTrack !== null;
    const results = await Promise.allSettled([
      audioTrack ? this.produce('mic', audioTrack, !keepMicOpen) : null,
      this.camOn && this.local.videoTrack ? this.produce('camera', this.local.videoTrack, false) : null,
    ]);
    const mic = this.producers.get('mic');
    this.showMic(mic !== undefined && !mic.paused);
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
    // The SFU may have created it paused whatever we asked (a microphone without the floor): follow it.
    const pausedBySfu = this.createdPaused.get(producer.id) ?? false;
    this.createdPaused.delete(producer.id);
    if (paused || pausedBySfu) producer.pause();
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
      const created = await this.produce(source, track, false);
      if (source === 'mic') this.showMic(!created.paused);
      else this.setOn(source, true);
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

  /** The microphone's button and the local track's state, both as the others hear us. */
  private showMic(on: boolean): void {
    this.micOn = on;
    this.local.micOn = on;
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
    // mediasoup-client sets the local description (which starts ICE) only once `connect` is
    // answered: waiting for the server's answer put a whole signaling → SFU round trip before the
    // first picture (bench/join-latency.ts). ICE starts at once instead; our DTLS fingerprint
    // reaches the SFU while ICE checks run, and a DTLS hello that comes first is resent by the
    // browser. A refused connect can never carry media: the session is rebuilt.
    transport.on('connect', ({ dtlsParameters }, callback) => {
      const generation = this.generation;
      request('media:connectTransport', { transportId: transport.id, dtlsParameters }).catch((error: unknown) => {
        if (generation !== this.generation || transport.closed) return;
        console.warn(`[ehop] the SFU refused to connect transport ${transport.id}: rebuilding the media`, error);
        this.mediaLost();
      });
      callback();
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
          .then(({ producerId, paused }) => {
            this.createdPaused.set(producerId, paused);
            callback({ id: producerId });
          })
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
      console.warn(`[ehop] transport ${transport.id} failed after an ICE restart: rebuilding the media`);
      return this.mediaLost();
    }
    this.iceRestarted.add(transport.id);
    try {
      const { iceParameters } = await request('media:restartIce', { transportId: transport.id });
      await transport.restartIce({ iceParameters: iceParameters as ms.IceParameters });
    } catch {
      this.mediaLost();
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
      onServerEvent('media:restart', () => this.mediaLost()),
      onServerEvent('media:available', () => this.mediaAvailable()),
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
      this.inMeeting = false;
      if (this.phase === 'joined') this.markLost();
      // The server closed us on purpose, so socket.io will not retry: try now. Connecting again
      // tells whether we were signed out (refused: final) or only cut off (e.g. a node restarting).
      if (reason === 'io server disconnect') this.mediaLost();
    };
    const onReconnect = () => this.mediaLost();
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
      if (source === 'mic') this.showMic(!paused);
      else this.setOn(source, !paused);
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

  /** Our media is gone or going (room lost, transport failed, connection back): rebuild it until it works. */
  private mediaLost(): void {
    if (this.phase === 'left' || this.phase === 'failed') return;
    // An attempt under way began before this news: it must be followed by another.
    if (this.retries.active) this.retries.nudge(true);
    else void this.keepRetrying(0);
  }

  /** Signaling says the SFU is back: a reconnecting room tries now instead of at its next turn. */
  private mediaAvailable(): void {
    if (this.phase === 'reconnecting') this.retryNow();
  }

  /** Tries to get the media back until it works or the meeting refuses us; `failures` already happened. */
  private async keepRetrying(failures: number): Promise<void> {
    this.markLost();
    const outcome = await this.retries.run(failures);
    if (outcome.status === 'refused' && outcome.error instanceof MeetingRefused) {
      this.phase = 'failed';
      this.onError(outcome.error.appError);
    }
  }

  private markLost(): void {
    this.mediaOpen = false;
    if (this.hasLeft()) return;
    this.phase = 'reconnecting';
    this.lostAt ??= Date.now();
  }

  /** Closes transports (and with them producers and consumers); local tracks stay open. */
  private closeMedia(): void {
    this.mediaOpen = false;
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
    this.device = null;
    this.producers.clear();
    this.consumers.clear();
    this.earlyConsumerEvents.clear();
    this.createdPaused.clear();
    // A burst still waiting belongs to the closed transport: the next session's must not join it.
    if (this.announcedFlush) clearTimeout(this.announcedFlush);
    this.announcedFlush = null;
    this.announced = [];
    this.iceRestarted.clear();
    // The others are still there (the roster follows presence); only what we received from them went.
    this.roster.clearTracks();
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

/** Runs a step of entering the meeting; a refusal trying again cannot change becomes a MeetingRefused. */
async function refusedForGood<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof Superseded) throw error;
    const appError = toAppError(error);
    throw isFinalRefusal(appError.code) ? new MeetingRefused(appError) : error;
  }
}
