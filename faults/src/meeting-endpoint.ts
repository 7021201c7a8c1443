import { Device, type types as ms } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import { MAIN_FEED_PEER_ID, type ClientRequest, type ClientRequestName, type ClientResponse, type ConsumerOptions, type MediaSource, type PeerInfo, type TransportOptions } from '@ehop/protocol';
import { streamLabel, readInboundBytes, type StreamBytes } from './inbound-streams.js';
import { startSyntheticMedia, type SyntheticMedia } from './synthetic-media.js';
import { installWrtcGlobals } from './wrtc-globals.js';

export interface MeetingEndpointOptions {
  /** Signaling's base URL (the HTTP API and socket.io). */
  url: string;
  /** The session cookie (`ehop.sid=...`) from `POST /api/auth/login`. */
  cookie: string;
  meetingId: string;
  /**
   * `send`: a camera and a microphone, and it receives (a delegate, a hall endpoint); `receive`:
   * receives only (a TV); `none`: no media, requests only (a secretary at the minutes).
   */
  media: 'send' | 'receive' | 'none';
  /** Where its camera and microphone come from when it sends (default: startSyntheticMedia). */
  makeMedia?: (rtc: ReturnType<typeof installWrtcGlobals>) => SyntheticMedia;
}

/** Delays between rejoin attempts; the last one repeats for as long as the endpoint runs. */
const REJOIN_DELAYS_MS = [0, 500, 1_000, 2_000];
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * A meeting participant in Node: mediasoup-client on libwebrtc (@roamhq/wrtc), following the
 * client contract of client/README.md ("Join flow"): `meeting:join`, the device and both
 * transports, `media:ready`, then the microphone (paused: everyone joins muted) and the camera;
 * each `media:newConsumer` is consumed and resumed (`media:resumeConsumer`); the thumbnails on
 * screen are sent with `conference:setView`. After `media:restart` or a reconnection of its socket
 * it tears its media down and joins again, with backoff, until it is back, and reopens its
 * microphone if it was open (a floor holder keeps speaking).
 */
export class MeetingEndpoint {
  socket!: Socket;
  self: PeerInfo | null = null;
  /** The others in the meeting, by peer id, from the join answer and peer:joined/left. */
  readonly roster = new Map<string, PeerInfo>();
  /** How many times it joined (1 + rejoins). */
  joins = 0;
  /** Events it heard, in order, for assertions (`media:restart`, `peer:left`, ...). */
  readonly heard: { event: string; at: number }[] = [];
  private device: Device | null = null;
  private sendTransport: ms.Transport | null = null;
  private recvTransport: ms.Transport | null = null;
  private readonly producers = new Map<MediaSource, ms.Producer>();
  private readonly consumers = new Map<string, { consumer: ms.Consumer; options: ConsumerOptions }>();
  private micOpen = false;
  private thumbnailUserIds: string[] = [];
  private media: SyntheticMedia | null = null;
  private rejoining: Promise<void> | null = null;
  /** A restart was asked for (again) while a rejoin ran: the session it built may be gone already. */
  private restartWanted = false;
  private generation = 0;
  private closed = false;
  /** Roster events that arrive before the `meeting:join` answer wait here, then apply on top of it (signaling/README.md). */
  private rosterEventBuffer: (() => void)[] | null = null;

  private constructor(readonly userId: string, private options: MeetingEndpointOptions) {}

  /** Connects with the session (`cookie`) and joins the meeting's media (unless `media` is `none`). */
  static async join(userId: string, options: MeetingEndpointOptions): Promise<MeetingEndpoint> {
    const endpoint = new MeetingEndpoint(userId, options);
    await endpoint.connect(options.url);
    await endpoint.joinOnce(++endpoint.generation);
    return endpoint;
  }

  get peerId(): string | undefined {
    return this.self?.peerId;
  }

  /** Which signaling node it talks to. */
  get url(): string {
    return this.options.url;
  }

  /** A request as the web client makes it; rejects with the server's error code, or when no answer comes within `timeoutMs`. */
  async request<K extends ClientRequestName>(name: K, payload: ClientRequest<K>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<ClientResponse<K>> {
    const ack = (await this.socket.timeout(timeoutMs).emitWithAck(name, payload)) as
      | { ok: true; data: ClientResponse<K> }
      | { ok: false; error: { code: string; message: string } };
    if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  }

  /** Opens or closes its microphone (needs the floor to be heard); remembered across rejoins. */
  async setMicOpen(open: boolean): Promise<void> {
    this.micOpen = open;
    await this.applyMicrophone();
  }

  /** The users whose thumbnails it shows (conference:setView), kept across rejoins. */
  async showThumbnails(userIds: string[]): Promise<void> {
    this.thumbnailUserIds = userIds;
    await this.sendView();
  }

  /**
   * Its signaling node is gone for good: connect to another one (a load balancer would do this
   * for a browser; in tests the node's address is given) and join again there.
   */
  async moveTo(url: string): Promise<void> {
    this.options = { ...this.options, url };
    this.socket.removeAllListeners();
    this.socket.io.removeAllListeners();
    this.socket.close();
    await this.connect(url);
    await this.rejoin();
  }

  /** Bytes received so far on each stream it receives, by a name that survives a rejoin. */
  async inboundBytes(): Promise<StreamBytes> {
    const transport = this.recvTransport;
    if (!transport || transport.closed) return new Map();
    const consumers = [...this.consumers.values()].map(({ consumer, options }) => ({
      consumer,
      label: streamLabel(options, this.roster),
    }));
    return readInboundBytes(transport, consumers);
  }

  /** The main-screen feed's video track it receives now, if any (to look at its frames). */
  mainFeedVideoTrack(): MediaStreamTrack | null {
    for (const { consumer, options } of this.consumers.values()) {
      const isFeed = options.feed === 'main' || options.peerId === MAIN_FEED_PEER_ID;
      if (isFeed && options.kind === 'video' && !consumer.closed) return consumer.track;
    }
    return null;
  }

  /** Its receive transport's WebRTC stats (inbound-rtp per stream), or null while it has none. */
  async receiveStats(): Promise<RTCStatsReport | null> {
    const transport = this.recvTransport;
    return transport && !transport.closed ? transport.getStats() : null;
  }

  close(): void {
    this.closed = true;
    this.generation++;
    this.closeMedia();
    this.media?.stop();
    this.socket?.close();
  }

  private connect(url: string): Promise<void> {
    const socket = io(url, {
      extraHeaders: { cookie: this.options.cookie },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 250,
      reconnectionDelayMax: 1_000,
    });
    this.socket = socket;
    const hear = (event: string) => this.heard.push({ event, at: performance.now() });
    socket.on('peer:joined', (peer: PeerInfo) =>
      this.afterJoinAnswer(() => {
        this.roster.set(peer.peerId, peer);
        // A thumbnail's person came back as a new peer: show that one (the web client's strip does the same).
        if (this.thumbnailUserIds.includes(peer.userId)) void this.sendView().catch(() => undefined);
      }),
    );
    socket.on('peer:updated', (peer: PeerInfo) => this.afterJoinAnswer(() => peer.peerId !== this.peerId && this.roster.set(peer.peerId, peer)));
    socket.on('peer:left', ({ peerId }: { peerId: string }) => {
      hear('peer:left');
      this.afterJoinAnswer(() => this.roster.delete(peerId));
    });
    socket.on('media:newConsumer', (options: ConsumerOptions) => void this.consume(options, this.generation));
    socket.on('media:consumerClosed', ({ consumerId }: { consumerId: string }) => this.dropConsumer(consumerId));
    socket.on('media:restart', () => {
      hear('media:restart');
      void this.rejoin();
    });
    // The server opened or closed our microphone (the floor): the local producer follows.
    socket.on('media:producerPaused', ({ producerId }: { producerId: string }) => this.followServerMute(producerId, true));
    socket.on('media:producerResumed', ({ producerId }: { producerId: string }) => this.followServerMute(producerId, false));
    // Signaling forgets a peer whose socket dropped: after reconnecting, join again.
    socket.io.on('reconnect', () => {
      hear('reconnect');
      void this.rejoin();
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
  }

  private async joinOnce(generation: number): Promise<void> {
    if (this.options.media === 'none') return;
    this.rosterEventBuffer = [];
    let joined: ClientResponse<'meeting:join'>;
    try {
      joined = await this.request('meeting:join', { meetingId: this.options.meetingId });
      this.assertCurrent(generation);
      this.self = joined.self;
      this.roster.clear();
      for (const peer of joined.peers) if (peer.peerId !== joined.self.peerId) this.roster.set(peer.peerId, peer);
      for (const apply of this.rosterEventBuffer) apply();
    } finally {
      this.rosterEventBuffer = null;
    }
    await this.startMedia(joined, generation);
  }

  private afterJoinAnswer(apply: () => void): void {
    if (this.rosterEventBuffer) this.rosterEventBuffer.push(apply);
    else apply();
  }

  private async startMedia(joined: ClientResponse<'meeting:join'>, generation: number): Promise<void> {

    installWrtcGlobals();
    const device = new Device({ handlerName: 'Chrome111' });
    const [, sendOptions, recvOptions] = await Promise.all([
      device.load({ routerRtpCapabilities: joined.routerRtpCapabilities as ms.RtpCapabilities }),
      this.request('media:createTransport', { direction: 'send' }),
      this.request('media:createTransport', { direction: 'recv' }),
    ]);
    this.assertCurrent(generation);
    this.device = device;
    this.sendTransport = this.createTransport(device, 'send', sendOptions);
    this.recvTransport = this.createTransport(device, 'recv', recvOptions);
    await this.request('media:ready', { rtpCapabilities: device.rtpCapabilities as never });
    this.assertCurrent(generation);
    if (this.options.media === 'send') await this.publish();
    this.assertCurrent(generation);
    await this.sendView();
    this.joins++;
  }

  private async publish(): Promise<void> {
    this.media ??= (this.options.makeMedia ?? startSyntheticMedia)(installWrtcGlobals());
    const transport = this.sendTransport!;
    // Always paused first, as the web client does: everyone joins muted; then reopened if it was open.
    const mic = await transport.produce({ track: this.media.microphone, stopTracks: false, appData: { source: 'mic', paused: true } });
    mic.pause();
    this.producers.set('mic', mic);
    const camera = await transport.produce({ track: this.media.camera, stopTracks: false, appData: { source: 'camera', paused: false } });
    this.producers.set('camera', camera);
    await this.applyMicrophone();
  }

  private async applyMicrophone(): Promise<void> {
    const mic = this.producers.get('mic');
    if (!mic || mic.closed || mic.paused === !this.micOpen) return;
    if (this.micOpen) {
      mic.resume();
      await this.request('media:resumeProducer', { producerId: mic.id });
    } else {
      mic.pause();
      await this.request('media:pauseProducer', { producerId: mic.id });
    }
  }

  private async sendView(): Promise<void> {
    if (!this.self) return;
    const wanted = new Set(this.thumbnailUserIds);
    const thumbnails = [...this.roster.values()].filter((peer) => wanted.has(peer.userId)).map((peer) => peer.peerId);
    await this.request('conference:setView', { thumbnails });
  }

  private createTransport(device: Device, direction: 'send' | 'recv', options: TransportOptions): ms.Transport {
    const params = {
      id: options.id,
      iceParameters: options.iceParameters as ms.IceParameters,
      iceCandidates: options.iceCandidates as ms.IceCandidate[],
      dtlsParameters: options.dtlsParameters as ms.DtlsParameters,
      iceServers: options.iceServers,
    };
    const transport = direction === 'send' ? device.createSendTransport(params) : device.createRecvTransport(params);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.request('media:connectTransport', { transportId: transport.id, dtlsParameters: dtlsParameters as never }).then(() => callback(), errback);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      const source = appData['source'] as MediaSource;
      this.request('media:produce', { transportId: transport.id, kind, rtpParameters: rtpParameters as never, source, paused: Boolean(appData['paused']) }).then(
        ({ producerId }) => callback({ id: producerId }),
        errback,
      );
    });
    return transport;
  }

  private async consume(options: ConsumerOptions, generation: number): Promise<void> {
    const transport = this.recvTransport;
    if (!transport || transport.closed) return;
    try {
      const consumer = await transport.consume({
        id: options.consumerId,
        producerId: options.producerId,
        kind: options.kind,
        rtpParameters: options.rtpParameters as ms.RtpParameters,
      });
      if (generation !== this.generation) return consumer.close();
      this.consumers.set(consumer.id, { consumer, options });
      await this.request('media:resumeConsumer', { consumerId: consumer.id });
    } catch {
      // A consumer closed meanwhile, or a rejoin replaced this session: nothing to receive.
    }
  }

  private dropConsumer(consumerId: string): void {
    this.consumers.get(consumerId)?.consumer.close();
    this.consumers.delete(consumerId);
  }

  private followServerMute(producerId: string, paused: boolean): void {
    const mic = this.producers.get('mic');
    if (mic?.id !== producerId || mic.closed) return;
    if (paused) mic.pause();
    else mic.resume();
  }

  /** Tears the media down and joins again, retrying with backoff until it is back (or closed). */
  private rejoin(): Promise<void> {
    this.restartWanted = true;
    this.rejoining ??= this.rejoinUntilBack().finally(() => (this.rejoining = null));
    return this.rejoining;
  }

  private async rejoinUntilBack(): Promise<void> {
    let attempt = 0;
    while (!this.closed && this.restartWanted) {
      await new Promise((resolve) => setTimeout(resolve, REJOIN_DELAYS_MS[Math.min(attempt++, REJOIN_DELAYS_MS.length - 1)]));
      if (this.closed) return;
      this.restartWanted = false;
      const generation = ++this.generation;
      this.closeMedia();
      try {
        if (!this.socket.connected) throw new Error('not connected');
        await this.request('meeting:leave', {}).catch(() => undefined);
        await this.joinOnce(generation);
        attempt = 0;
      } catch (error) {
        // The server is not back yet (media_unavailable, a timeout): try again.
        this.heard.push({ event: `rejoin failed: ${(error as Error).message}`, at: performance.now() });
        this.restartWanted = true;
      }
    }
  }

  private closeMedia(): void {
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
    this.device = null;
    this.producers.clear();
    this.consumers.clear();
  }

  private assertCurrent(generation: number): void {
    if (generation !== this.generation || this.closed) throw new Error('superseded');
  }
}
