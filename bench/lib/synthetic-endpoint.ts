import { spawn, type ChildProcess } from 'node:child_process';
import { io, type Socket } from 'socket.io-client';
import type { ClientRequest, ClientRequestName, ClientResponse, ConsumerOptions, ConferenceState, MainFeedSource, ServerEvent } from '@ehop/protocol';
import type { ThreadedReplayer } from './threaded-replayer.js';
import { PLAIN_OPUS_PAYLOAD_TYPE, PLAIN_VP8_PAYLOAD_TYPE, plainCameraRtpParameters, plainMicRtpParameters } from '@ehop/testkit';
import { RtpSink } from './rtp-sink.js';
import type { SfuLink } from './sfu-link.js';
import { sleep } from './stats.js';

const VP8_PT = PLAIN_VP8_PAYLOAD_TYPE;
const OPUS_PT = PLAIN_OPUS_PAYLOAD_TYPE;
/**
 * A feed notice's `since` is the SFU's Date.now() (whole ms) just before the new source's first key
 * frame left; on loopback that frame arrives within a fraction of a ms, and moving `since` to
 * performance.now() (via performance.timeOrigin) is only exact to about 1 ms. Looking this much
 * earlier keeps that frame from being missed, which would count the source's next one instead.
 */
const SINCE_MARGIN_MS = 1;

type AnnouncedConsumer = ConsumerOptions & { announcedAt: number };

/** The SFU's `media:sendLayers` notice: send simulcast layers 0..maxSpatialLayer only. */
type SendLayersNotice = ServerEvent<'media:sendLayers'>;

/** A `media:mainFeed` notice: whom the main-screen feed carries from `source.since` on. */
export interface FeedNotice {
  /** When it arrived (performance.now()). */
  at: number;
  source: MainFeedSource;
}

export interface EndpointTimings {
  start: number;
  joined: number;
  producing: number;
  /** When its main screen showed the chair: its feed carried the chair (the SFU's notice) and feed packets arrived. */
  receiving: number;
}

export interface SyntheticEndpointOptions {
  index: number;
  userId: string;
  cookie: string;
  signalingUrl: string;
  meetingId: string;
  sfu: SfuLink;
  /**
   * Several SFU nodes (peers placed by unit): the endpoint's plain transports go to the one that
   * carries its peer, found by asking each in turn (`sfu` is then unused).
   */
  sfus?: readonly SfuLink[];
  clip: string;
  /** Replays for many endpoints from one process; without it each endpoint runs its own ffmpeg. */
  replayer?: ThreadedReplayer;
  /** false: the camera sends its 640x360 layer alone, even with a replayer that could simulcast. */
  simulcast?: boolean;
}

/**
 * One endpoint of the benchmark without a browser: a real signaling socket (it joins, publishes
 * and is governed by the floor like a browser), ffmpeg replaying a VP8 + Opus clip into two plain
 * transports (comedia), and a UDP socket receiving whatever the SFU forwards to it. With the
 * replayer its camera simulcasts two layers (160x90 and 640x360) and sends only those the SFU
 * asks for (`media:sendLayers`), as a browser does.
 */
export class SyntheticEndpoint {
  readonly sink = new RtpSink();
  peerId = '';
  socket: Socket | null = null;
  ffmpeg: ChildProcess | null = null;
  private stopReplay: (() => void) | null = null;
  timings: EndpointTimings = { start: 0, joined: 0, producing: 0, receiving: 0 };
  /** The conference states this endpoint was sent, with their arrival time. */
  readonly states: { at: number; state: ConferenceState }[] = [];
  /** Consumers by the publishing peer and kind (latest wins); the main-screen feed is apart. */
  private readonly consumers = new Map<string, AnnouncedConsumer>();
  /** The consumer of the room's main-screen feed's picture (latest wins). */
  private feed: AnnouncedConsumer | undefined;
  /** The consumer of the feed's voice: the floor holder's microphone. */
  private feedVoice: AnnouncedConsumer | undefined;
  /** The SFU's notices of whom the feed carries, in arrival order. */
  readonly feedNotices: FeedNotice[] = [];
  /** Peer ids of the meeting by user id, from the join answer and peer:joined. */
  readonly peerOfUser = new Map<string, string>();
  private routerRtpCapabilities: unknown;
  /** The SFU node its peer is on (`options.sfu` unless `options.sfus` are given). */
  node: SfuLink | undefined;
  private micProducerId = '';
  private cameraProducerId = '';
  /** The latest `media:sendLayers` per producer: one may come before the produce answer names the camera's producer. */
  private readonly maxSpatialLayers = new Map<string, number>();

  constructor(readonly options: SyntheticEndpointOptions) {}

  get userId(): string {
    return this.options.userId;
  }

  /** The SSRC its camera sends its top simulcast layer with (its only one with ffmpeg senders): the camera's name. */
  get videoSsrc(): number {
    return 10_000_000 + this.options.index * 4;
  }

  /** The SSRC its microphone sends with. */
  get audioSsrc(): number {
    return this.videoSsrc + 1;
  }

  /** The SSRC its camera sends its low simulcast layer with (replayed senders only). */
  get lowVideoSsrc(): number {
    return this.videoSsrc + 2;
  }

  /** Its camera's SSRCs, lowest layer first. */
  get cameraSsrcs(): number[] {
    const simulcast = this.options.replayer?.simulcast && this.options.simulcast !== false;
    return simulcast ? [this.lowVideoSsrc, this.videoSsrc] : [this.videoSsrc];
  }

  /**
   * When (performance.now()) its camera's top layer first heard the SFU ask for a key frame after
   * `after` (replayed senders only): the layer the main screen shows, so the key frame a switch to
   * this speaker waits for. Requests for the low layer (thumbnails) are left out.
   */
  keyFrameRequestedAfter(after: number): number | undefined {
    return this.options.replayer?.keyFrameRequestedAfter(this.videoSsrc, after);
  }

  /** Joins, starts receiving, publishes camera and (muted) microphone, starts ffmpeg. */
  async join(): Promise<void> {
    this.timings.start = performance.now();
    await this.connect();
    const joined = await this.request('meeting:join', { meetingId: this.options.meetingId });
    this.peerId = joined.self.peerId;
    for (const peer of joined.peers) this.peerOfUser.set(peer.userId, peer.peerId);
    this.routerRtpCapabilities = joined.routerRtpCapabilities;
    this.timings.joined = performance.now();

    const { meetingId } = this.options;
    const port = await this.sink.bind();
    const recv = { roomId: meetingId, peerId: this.peerId, direction: 'recv', remote: { ip: '127.0.0.1', port } } as const;
    const sfu = await this.findNode((node) => node.request('plain:createTransport', recv));
    this.node = sfu;
    await this.request('media:ready', { rtpCapabilities: this.routerRtpCapabilities as never });

    const video = await sfu.request('plain:createTransport', { roomId: meetingId, peerId: this.peerId, direction: 'send' });
    const audio = await sfu.request('plain:createTransport', { roomId: meetingId, peerId: this.peerId, direction: 'send' });
    const { cameraSsrcs, audioSsrc } = this;
    const camera = await this.request('media:produce', { transportId: video.id, kind: 'video', source: 'camera', paused: false, rtpParameters: plainCameraRtpParameters(cameraSsrcs, { answersKeyFrameRequests: this.options.replayer !== undefined }) });
    this.cameraProducerId = camera.producerId;
    // Joined muted, like a browser: the SFU keeps it paused until the floor is given.
    const mic = await this.request('media:produce', { transportId: audio.id, kind: 'audio', source: 'mic', paused: true, rtpParameters: plainMicRtpParameters(audioSsrc) });
    this.micProducerId = mic.producerId;
    this.startSender(video.port, cameraSsrcs, audio.port, audioSsrc);
    this.applySendLayers();
    this.timings.producing = performance.now();
  }

  /** The node that accepts `attempt` (the one carrying this peer); with one SFU, that one. */
  private async findNode(attempt: (node: SfuLink) => Promise<unknown>): Promise<SfuLink> {
    const nodes = this.options.sfus ?? [this.options.sfu];
    let lastError: unknown;
    for (const node of nodes) {
      try {
        await attempt(node);
        return node;
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  /**
   * Resolves once this endpoint's main screen shows `peerId`: the SFU's latest notice says its feed
   * carries that peer, and feed packets arrive.
   */
  async waitForMainScreenShowing(peerId: string, timeoutMs: number): Promise<number | null> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const notice = this.feedNotices.at(-1);
      const ssrc = this.feedSsrc();
      const packetAt = ssrc === undefined ? undefined : this.sink.lastPacketAt(ssrc);
      if (notice?.source.peerId === peerId && packetAt !== undefined) return Math.max(notice.at, packetAt);
      // The all-to-all baseline has no feed: its main screen is the camera itself.
      const camera = this.consumerOf(peerId, 'video');
      const cameraAt = camera && !this.feed ? this.sink.lastPacketAt(ssrcOf(camera)) : undefined;
      if (cameraAt !== undefined) return cameraAt;
      await sleep(20);
    }
    return null;
  }

  consumerOf(publisherPeerId: string, kind: 'audio' | 'video'): AnnouncedConsumer | undefined {
    return this.consumers.get(`${publisherPeerId}/${kind}`);
  }

  consumerCount(): number {
    return this.consumers.size + (this.feed ? 1 : 0) + (this.feedVoice ? 1 : 0);
  }

  /** The SSRC the feed's voice arrives on, once its consumer is announced. */
  feedVoiceSsrc(): number | undefined {
    return this.feedVoice && ssrcOf(this.feedVoice);
  }

  /** Whether the SFU gave it a main-screen feed (the all-to-all baseline does not). */
  get hasFeed(): boolean {
    return this.feed !== undefined;
  }

  /** The SSRC the main-screen feed arrives on, once its consumer is announced. */
  feedSsrc(): number | undefined {
    return this.feed && ssrcOf(this.feed);
  }

  /** The first notice that the feed carries `peerId` received after `afterPerfMs` (performance.now()). */
  feedNoticeFor(peerId: string, afterPerfMs: number): FeedNotice | undefined {
    return this.feedNotices.find(({ at, source }) => at > afterPerfMs && source.peerId === peerId);
  }

  /** When (performance.now()) the first key frame the feed sent from `since` (epoch ms) on arrived. */
  feedKeyframeSince(since: number): number | undefined {
    const ssrc = this.feedSsrc();
    return ssrc === undefined ? undefined : this.sink.keyframeAfter(ssrc, since - performance.timeOrigin - SINCE_MARGIN_MS);
  }

  /** When this endpoint was told that `userId` is on the main screen, after `after`. */
  toldMainAfter(userId: string, after: number): number | undefined {
    return this.states.find(({ at, state }) => at > after && state.mainUserId === userId)?.at;
  }

  async setView(peerIds: string[]): Promise<void> {
    await this.request('conference:setView', { thumbnails: peerIds });
  }

  async request<K extends ClientRequestName>(name: K, payload: ClientRequest<K>): Promise<ClientResponse<K>> {
    const ack = (await this.socket!.timeout(30_000).emitWithAck(name, payload)) as
      | { ok: true; data: ClientResponse<K> }
      | { ok: false; error: { code: string; message: string } };
    if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  }

  close(): void {
    this.ffmpeg?.kill('SIGKILL');
    this.stopReplay?.();
    this.socket?.close();
    this.sink.close();
  }

  private connect(): Promise<void> {
    const socket = io(this.options.signalingUrl, {
      extraHeaders: { cookie: this.options.cookie },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    this.socket = socket;
    socket.on('media:newConsumer', (consumer: ConsumerOptions) => this.onNewConsumer(consumer));
    socket.on('media:mainFeed', (source: MainFeedSource) => this.feedNotices.push({ at: performance.now(), source }));
    socket.on('conference:state', (state: ConferenceState) => this.states.push({ at: performance.now(), state }));
    // The floor opens and closes its microphone on the SFU; its sender follows, like a browser's.
    socket.on('media:producerPaused', ({ producerId }: { producerId: string }) => this.onServerMute(producerId, true));
    socket.on('media:producerResumed', ({ producerId }: { producerId: string }) => this.onServerMute(producerId, false));
    // The SFU says which of its camera's layers anyone receives; its sender sends those only, like a browser's.
    socket.on('media:sendLayers', (notice: SendLayersNotice) => this.onSendLayers(notice));
    socket.on('peer:joined', (peer: { userId: string; peerId: string }) => this.peerOfUser.set(peer.userId, peer.peerId));
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
  }

  private onServerMute(producerId: string, muted: boolean): void {
    if (producerId === this.micProducerId) this.options.replayer?.setMuted(this.audioSsrc, muted);
  }

  private onSendLayers({ producerId, maxSpatialLayer }: SendLayersNotice): void {
    this.maxSpatialLayers.set(producerId, maxSpatialLayer);
    this.applySendLayers();
  }

  /** Tells the camera's sender the layers the SFU last asked for, once it runs (notices for other producers are kept, unused). */
  private applySendLayers(): void {
    const maxSpatialLayer = this.maxSpatialLayers.get(this.cameraProducerId);
    if (maxSpatialLayer !== undefined && this.stopReplay) this.options.replayer?.setMaxSpatialLayer(this.videoSsrc, maxSpatialLayer);
  }

  private onNewConsumer(consumer: ConsumerOptions): void {
    const announced = { ...consumer, announcedAt: performance.now() };
    if (consumer.feed === 'main' && consumer.kind === 'video') this.feed = announced;
    else if (consumer.feed === 'main') this.feedVoice = announced;
    else this.consumers.set(`${consumer.peerId}/${consumer.kind}`, announced);
    if (consumer.kind === 'video') this.sink.markVideo(ssrcOf(consumer));
    // A browser resumes once it can decode; so do we (the policy may still keep it paused).
    this.request('media:resumeConsumer', { consumerId: consumer.consumerId }).catch(() => undefined);
  }

  private startSender(videoPort: number, cameraSsrcs: number[], audioPort: number, audioSsrc: number): void {
    if (this.options.replayer) {
      this.stopReplay = this.options.replayer.add(videoPort, cameraSsrcs, audioPort, audioSsrc);
      return;
    }
    // One layer only (cameraSsrcs is the top one alone): each of ffmpeg's RTP outputs sends from a
    // socket of its own, and a comedia plain transport takes packets from one address only, so a
    // second ffmpeg layer could not reach the same transport. The layer notices are moot here.
    const output = (map: string, ssrc: number, payloadType: number, port: number) => [
      '-map', map, '-c', 'copy', '-f', 'rtp', '-ssrc', String(ssrc), '-payload_type', String(payloadType),
      '-rtpflags', 'skip_rtcp', `rtp://127.0.0.1:${port}?pkt_size=1200`,
    ];
    this.ffmpeg = spawn(
      'ffmpeg',
      [
        '-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', this.options.clip,
        ...output('0:v:0', this.videoSsrc, VP8_PT, videoPort),
        ...output('0:a:0', audioSsrc, OPUS_PT, audioPort),
      ],
      { stdio: 'ignore' },
    );
  }
}

export function ssrcOf(consumer: ConsumerOptions): number {
  return Number(consumer.rtpParameters.encodings?.[0]?.['ssrc'] ?? 0);
}
