import type { types } from 'mediasoup';
import { StreamStitcher } from '@ehop/rtp';
import type { Logger } from '../logger.js';
import type { KeyFrameGate } from './key-frame-gate.js';
import type { StandbyConsumerData } from './send-layers.js';

/** A track the feed may carry. */
export interface FeedSource {
  peerId: string;
  userId: string;
  producerId: string;
  kind: types.MediaKind;
}

interface SourceConsumer {
  source: FeedSource;
  consumer: types.Consumer;
}

export interface FeedLaneOptions {
  kind: types.MediaKind;
  /** The feed's producer of this kind: what the rewritten packets go into. */
  producer: types.Producer;
  /** Where the sources are consumed: their packets come to this process through the worker's channel. */
  transport: types.DirectTransport;
  capabilities: types.RtpCapabilities;
  /** Video switches at the new source's key frame; audio (Opus) at its first packet. */
  startsPicture?: (packet: Uint8Array) => boolean;
  /** The lane now carries `source` (null: nothing). */
  onCutOver: (source: FeedSource | null) => void;
  log: Logger;
  /** When a camera would hear a receiver's key frame request. */
  keyFrames?: KeyFrameGate;
}

/**
 * A camera that sends no key frame this long (broken, or not sending at all) no longer holds the
 * main screen: the lane goes dark, and the browsers show the new speaker's name without a picture.
 */
const KEY_FRAME_WAIT_MS = 3_000;
/** The top simulcast layer (a too-high index is clamped): the main screen is the big picture. */
const TOP_LAYER = { spatialLayer: 9 };

/**
 * One kind of the main-screen feed: its sources (consumers on the feed's direct transport, a few:
 * the one going out, the one taking over, the prepared next speakers) and the rewriting of the
 * current one's packets into the feed's single continuous stream.
 */
export class FeedLane {
  private readonly sources = new Map<string, SourceConsumer>();
  private readonly stitcher: StreamStitcher;
  private current: SourceConsumer | null = null;
  private wanted: SourceConsumer | null = null;

  constructor(private readonly options: FeedLaneOptions) {
    const { codecs, encodings } = options.producer.rtpParameters;
    this.stitcher = new StreamStitcher(codecs[0]!.clockRate, encodings![0]!.ssrc!);
  }

  get kind(): types.MediaKind {
    return this.options.kind;
  }

  /** The source whose packets go into the feed now. */
  get carrying(): FeedSource | null {
    return this.current?.source ?? null;
  }

  /** A source's packet: into the feed, rewritten, when it is (or from now on becomes) the lane's to send. */
  private onRtp(entry: SourceConsumer, packet: Buffer): void {
    const nowMs = performance.now();
    const { startsPicture, producer } = this.options;
    if (entry === this.wanted && (!startsPicture || startsPicture(packet))) this.cutOver(entry, packet, nowMs);
    if (entry === this.current && !producer.closed && this.stitcher.rewrite(packet, nowMs)) producer.send(packet);
  }

  /** Carry `source` (null: nothing) from its next key frame (video) or packet (audio) on. */
  async show(source: FeedSource | null): Promise<void> {
    if (source === null) return this.stop();
    if (source.producerId === (this.wanted ?? this.current)?.source.producerId) return;
    const { log, kind } = this.options;
    log.debug({ kind, peerId: source.peerId }, 'feed lane: switching');
    const entry = await this.consumerOf(source, false);
    if (!entry) return;
    this.wanted = entry === this.current ? null : entry;
    if (entry.consumer.paused) await entry.consumer.resume();
    log.debug({ kind, peerId: source.peerId }, 'feed lane: source running');
    if (this.wanted !== entry || !this.options.startsPicture) return;
    this.askForKeyFrame(entry);
    setTimeout(() => this.stopWaitingFor(entry), KEY_FRAME_WAIT_MS).unref();
  }

  /** Keeps these sources consumed but paused, ready to take over; lets go of the others. */
  async prepareOnly(upcoming: readonly FeedSource[]): Promise<void> {
    for (const source of upcoming) await this.consumerOf(source, true);
    const prepared = new Set(upcoming.map((source) => source.producerId));
    for (const entry of [...this.sources.values()]) {
      if (entry === this.current || entry === this.wanted) continue;
      if (!prepared.has(entry.source.producerId)) this.forget(entry, true);
      else if (!entry.consumer.paused) await entry.consumer.pause();
    }
  }

  /** A receiver lost the picture: whoever the lane is about to carry, or carries, sends a key frame. */
  requestKeyFrame(): void {
    const entry = this.wanted ?? this.current;
    if (entry) this.askForKeyFrame(entry);
  }

  /**
   * Asks the source's camera for a key frame when it would hear it: a camera that answered a
   * request less than 300 ms ago ignores the next, and mediasoup asks again only a second later
   * (key-frame-gate.ts), which would hold a grant's new picture back by that second.
   */
  private askForKeyFrame(entry: SourceConsumer): void {
    const ask = () => void entry.consumer.requestKeyFrame().catch(() => undefined);
    const wait = this.options.keyFrames?.waitBeforeRequest(entry.source.producerId) ?? 0;
    if (wait > 0) setTimeout(ask, wait).unref();
    else ask();
  }

  private stop(): void {
    this.wanted = null;
    if (this.current === null) return;
    this.current = null;
    this.options.onCutOver(null);
  }

  private cutOver(entry: SourceConsumer, packet: Uint8Array, nowMs: number): void {
    this.stitcher.cutTo(packet, nowMs);
    this.options.log.debug({ kind: this.options.kind, peerId: entry.source.peerId }, 'feed lane: cut over');
    this.current = entry;
    this.wanted = null;
    this.options.onCutOver(entry.source);
  }

  /** Still no key frame: stop showing the previous person; a late key frame still cuts in. */
  private stopWaitingFor(entry: SourceConsumer): void {
    if (this.wanted !== entry || this.current === null) return;
    this.current = null;
    this.options.onCutOver(null);
  }

  private async consumerOf(source: FeedSource, paused: boolean): Promise<SourceConsumer | null> {
    const existing = this.sources.get(source.producerId);
    if (existing && !existing.consumer.closed) return existing;
    const { transport, capabilities, kind, log } = this.options;
    let consumer: types.Consumer;
    try {
      // Standby: a prepared next speaker's camera keeps its top layer coming while paused here.
      const appData: StandbyConsumerData = { standby: true };
      consumer = await transport.consume({ producerId: source.producerId, rtpCapabilities: capabilities, paused, appData, ...(kind === 'video' ? { preferredLayers: TOP_LAYER } : {}) });
    } catch (error) {
      log.warn({ err: error, producerId: source.producerId }, `main-screen feed cannot carry this ${kind} track`);
      return null;
    }
    const entry: SourceConsumer = { source, consumer };
    this.sources.set(source.producerId, entry);
    consumer.on('rtp', (packet: Buffer) => this.onRtp(entry, packet));
    consumer.on('producerclose', () => this.forget(entry, false));
    return entry;
  }

  private forget(entry: SourceConsumer, close: boolean): void {
    if (close) entry.consumer.close();
    this.sources.delete(entry.source.producerId);
    if (this.wanted === entry) this.wanted = null;
    if (this.current === entry) this.stop();
  }
}
