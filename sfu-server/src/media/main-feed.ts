import { createSocket, type Socket } from 'node:dgram';
import type { types } from 'mediasoup';
import { MAIN_FEED_PEER_ID, type MainFeedSource } from '@ehop/protocol';
import { asksForKeyFrame, isRtcp, isRtp, ssrcOf, startsVp8KeyFrame, StreamStitcher } from '@ehop/rtp';
import type { Logger } from '../logger.js';
import type { ProducerData } from './media-peer.js';

/*
 * The main screen as one stream. Every receiver consumes the feed's producer once; what it shows is
 * switched here, inside the SFU process: the sources (cameras) are consumed on a loopback plain
 * transport, their packets come to a UDP socket of this process, and the one whose turn it is goes
 * back into the feed's producer, rewritten into one continuous stream (one SSRC, sequence numbers
 * and timestamps without a jump). A new speaker takes over at their first key frame.
 *
 * So changing the speaker costs the worker a handful of requests, whatever the number of
 * receivers; before, it cost two consumer changes per receiver (hundreds at 120 endpoints), and
 * every prepared speaker cost a consumer per receiver too.
 */

/** A camera the feed may carry. */
export interface FeedSource {
  peerId: string;
  userId: string;
  producerId: string;
}

interface SourceConsumer {
  source: FeedSource;
  consumer: types.Consumer;
  ssrc: number;
}

/** One SSRC for the feed in every room: it never leaves the SFU (receivers see their consumer's own). */
const FEED_SSRC = 0x6d61696e;
/**
 * A camera that sends no key frame this long (broken, or not sending at all) no longer holds the
 * main screen: the feed goes dark, and the browsers show the new speaker's name without a picture.
 */
const KEY_FRAME_WAIT_MS = 3_000;
/** A receiver asking again and again for a key frame must not flood the speaker's encoder. */
const KEY_FRAME_REQUEST_INTERVAL_MS = 300;

export class MainFeed {
  private readonly sources = new Map<string, SourceConsumer>();
  private readonly bySsrc = new Map<number, SourceConsumer>();
  private readonly stitcher = new StreamStitcher(90_000, FEED_SSRC);
  /** The source going out now, and the one taking over at its next key frame. */
  private current: SourceConsumer | null = null;
  private wanted: SourceConsumer | null = null;
  private carrying: MainFeedSource = { peerId: null, userId: null, since: Date.now() };
  private target: { show: FeedSource | null; upcoming: readonly FeedSource[] } = { show: null, upcoming: [] };
  private applying: Promise<void> | null = null;
  private lastKeyFrameRequest = 0;
  private closed = false;

  private constructor(
    private readonly transport: types.PlainTransport,
    private readonly socket: Socket,
    readonly producer: types.Producer,
    private readonly capabilities: types.RtpCapabilities,
    private readonly onCutOver: (carrying: MainFeedSource) => void,
    private readonly log: Logger,
  ) {
    socket.on('message', (message) => this.onPacket(message));
  }

  /** Null when the router has no VP8 (nothing to switch); the room then shows cameras directly. */
  static async open(router: types.Router, log: Logger, onCutOver: (carrying: MainFeedSource) => void): Promise<MainFeed | null> {
    const vp8 = router.rtpCapabilities.codecs?.find((codec) => codec.mimeType.toLowerCase() === 'video/vp8');
    if (!vp8?.preferredPayloadType) return null;
    const socket = await bindLoopbackSocket();
    const transport = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, comedia: false, appData: { feed: 'main' } });
    try {
      await transport.connect({ ip: '127.0.0.1', port: socket.address().port });
      const appData: ProducerData = { peerId: MAIN_FEED_PEER_ID, userId: MAIN_FEED_PEER_ID, source: 'camera', activeSince: 0, feed: 'main' };
      const producer = await transport.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [{ mimeType: vp8.mimeType, payloadType: vp8.preferredPayloadType, clockRate: vp8.clockRate, rtcpFeedback: vp8.rtcpFeedback ?? [] }],
          encodings: [{ ssrc: FEED_SSRC }],
          rtcp: { cname: MAIN_FEED_PEER_ID, reducedSize: true },
        },
        appData,
      });
      // The sources come with the same payload type the feed declares, so packets need no new one.
      const capabilities: types.RtpCapabilities = { codecs: [{ ...vp8, rtcpFeedback: [] }], headerExtensions: [] };
      return new MainFeed(transport, socket, producer, capabilities, onCutOver, log);
    } catch (error) {
      transport.close();
      socket.close();
      throw error;
    }
  }

  /** Who the feed carries now, since when. */
  get source(): MainFeedSource {
    return this.carrying;
  }

  /**
   * Show `show` (null: nothing) and keep the `upcoming` cameras consumed but paused, so a grant
   * to one of them needs no new consumer. The latest call wins; calls never overlap at the worker.
   */
  show(show: FeedSource | null, upcoming: readonly FeedSource[]): Promise<void> {
    this.target = { show, upcoming };
    this.applying ??= this.applyUntilSettled().finally(() => (this.applying = null));
    return this.applying;
  }

  close(): void {
    this.closed = true;
    this.transport.close();
    this.socket.close();
  }

  private async applyUntilSettled(): Promise<void> {
    let applied: typeof this.target | null = null;
    while (!this.closed && applied !== this.target) {
      applied = this.target;
      try {
        await this.apply(applied.show, applied.upcoming);
      } catch (error) {
        this.log.warn({ err: error }, 'main-screen feed could not switch its source');
      }
    }
  }

  private async apply(show: FeedSource | null, upcoming: readonly FeedSource[]): Promise<void> {
    if (show === null) this.stop();
    else if (show.producerId !== (this.wanted ?? this.current)?.source.producerId) await this.takeOverAtKeyFrame(show);
    for (const source of upcoming) if (!this.closed) await this.consumerOf(source, true);
    await this.release(upcoming);
  }

  /** The new source goes out from its first key frame on; until then the previous one keeps going. */
  private async takeOverAtKeyFrame(source: FeedSource): Promise<void> {
    const entry = await this.consumerOf(source, false);
    if (!entry) return;
    this.wanted = entry === this.current ? null : entry;
    if (entry.consumer.paused) await entry.consumer.resume();
    if (this.wanted !== entry) return;
    await entry.consumer.requestKeyFrame();
    setTimeout(() => this.stopWaitingFor(entry), KEY_FRAME_WAIT_MS).unref();
  }

  /** Still no key frame: stop showing the previous person; a late key frame still cuts in. */
  private stopWaitingFor(entry: SourceConsumer): void {
    if (this.wanted !== entry || this.current === null) return;
    this.current = null;
    this.announce({ peerId: null, userId: null, since: Date.now() });
  }

  private stop(): void {
    this.wanted = null;
    if (this.current === null) return;
    this.current = null;
    this.announce({ peerId: null, userId: null, since: Date.now() });
  }

  /** Pauses or closes what is no longer wanted: only the feed's own and the upcoming sources stay. */
  private async release(upcoming: readonly FeedSource[]): Promise<void> {
    const prepared = new Set(upcoming.map((source) => source.producerId));
    for (const entry of [...this.sources.values()]) {
      if (entry === this.current || entry === this.wanted) continue;
      if (!prepared.has(entry.source.producerId)) this.forget(entry, true);
      else if (!entry.consumer.paused) await entry.consumer.pause();
    }
  }

  private async consumerOf(source: FeedSource, paused: boolean): Promise<SourceConsumer | null> {
    const existing = this.sources.get(source.producerId);
    if (existing && !existing.consumer.closed) return existing;
    let consumer: types.Consumer;
    try {
      // The top simulcast layer (a too-high index is clamped): the main screen is the big picture.
      consumer = await this.transport.consume({ producerId: source.producerId, rtpCapabilities: this.capabilities, paused, preferredLayers: { spatialLayer: 9 } });
    } catch (error) {
      this.log.warn({ err: error, producerId: source.producerId }, 'main-screen feed cannot carry this camera');
      return null;
    }
    const entry: SourceConsumer = { source, consumer, ssrc: consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0 };
    this.sources.set(source.producerId, entry);
    this.bySsrc.set(entry.ssrc, entry);
    consumer.on('producerclose', () => this.forget(entry, false));
    return entry;
  }

  private forget(entry: SourceConsumer, close: boolean): void {
    if (close) entry.consumer.close();
    this.sources.delete(entry.source.producerId);
    this.bySsrc.delete(entry.ssrc);
    if (this.wanted === entry) this.wanted = null;
    if (this.current === entry) this.stop();
  }

  private onPacket(packet: Buffer): void {
    if (this.closed) return;
    if (isRtcp(packet)) {
      if (asksForKeyFrame(packet)) this.forwardKeyFrameRequest();
      return;
    }
    if (!isRtp(packet)) return;
    const entry = this.bySsrc.get(ssrcOf(packet));
    if (!entry) return;
    const now = performance.now();
    if (entry === this.wanted && startsVp8KeyFrame(packet)) this.cutOver(entry, packet, now);
    if (entry !== this.current || !this.stitcher.rewrite(packet, now)) return;
    this.socket.send(packet, this.transport.tuple.localPort, '127.0.0.1');
  }

  private cutOver(entry: SourceConsumer, packet: Buffer, now: number): void {
    this.stitcher.cutTo(packet, now);
    this.current = entry;
    this.wanted = null;
    this.announce({ peerId: entry.source.peerId, userId: entry.source.userId, since: Date.now() });
    // The previous source is no longer needed running.
    void this.show(this.target.show, this.target.upcoming);
  }

  private announce(carrying: MainFeedSource): void {
    this.carrying = carrying;
    this.onCutOver(carrying);
  }

  /** A receiver lost the picture (or just joined): ask whoever the feed is about to carry. */
  private forwardKeyFrameRequest(): void {
    const now = performance.now();
    const entry = this.wanted ?? this.current;
    if (!entry || now - this.lastKeyFrameRequest < KEY_FRAME_REQUEST_INTERVAL_MS) return;
    this.lastKeyFrameRequest = now;
    entry.consumer.requestKeyFrame().catch(() => undefined);
  }
}

function bindLoopbackSocket(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      // A send while the transport is closing fails; the next packet will not be sent anyway.
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}
