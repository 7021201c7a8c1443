import { RTP_HEADER_BYTES, rewriteHeader, sequenceOf, ssrcOf, startsVp8KeyFrame, timestampOf } from './rtp-packet.js';

/*
 * Turns packets from several sources (one SSRC each, as mediasoup's consumers send them) into one
 * continuous RTP stream for ffmpeg: one SSRC, sequence numbers without a jump, timestamps that
 * advance with the wall clock across a switch. ffmpeg's RTP demuxer sees a single stream that
 * never restarts, so the file has no gap and no timestamp discontinuity.
 */

interface Mapping {
  ssrc: number;
  sequenceOffset: number;
  timestampOffset: number;
}

interface LastOut {
  sequence: number;
  timestamp: number;
  atMs: number;
}

/** Sequence comparison modulo 2^16 (RFC 3550): is `a` after `b`? */
function newer(a: number, b: number): boolean {
  const diff = (a - b) & 0xffff;
  return diff !== 0 && diff < 0x8000;
}

export class StreamStitcher {
  private current: Mapping | null = null;
  private last: LastOut | null = null;

  constructor(
    private readonly clockRate: number,
    readonly outputSsrc: number,
  ) {}

  get currentSsrc(): number | null {
    return this.current?.ssrc ?? null;
  }

  /**
   * Continues the output with `packet`'s source from now on: its first packet follows the last
   * one sent, one sequence number and the elapsed wall-clock time later.
   */
  cutTo(packet: Uint8Array, nowMs: number): void {
    const sequence = this.last ? (this.last.sequence + 1) & 0xffff : sequenceOf(packet);
    const elapsedTicks = this.last ? Math.max(1, Math.round(((nowMs - this.last.atMs) * this.clockRate) / 1000)) : 0;
    const timestamp = this.last ? (this.last.timestamp + elapsedTicks) >>> 0 : timestampOf(packet);
    this.current = {
      ssrc: ssrcOf(packet),
      sequenceOffset: (sequence - sequenceOf(packet)) & 0xffff,
      timestampOffset: (timestamp - timestampOf(packet)) >>> 0,
    };
  }

  /** When the last packet went out (wall clock), or null before the first. */
  get lastSentAtMs(): number | null {
    return this.last?.atMs ?? null;
  }

  /**
   * A packet of our own (silence) continuing the output now; the next source packet is cut in
   * after it, so sequence numbers and timestamps stay continuous.
   */
  synthesize(payloadType: number, payload: Uint8Array, nowMs: number): Uint8Array {
    const sequence = this.last ? (this.last.sequence + 1) & 0xffff : 0;
    const timestamp = this.last ? (this.last.timestamp + Math.max(1, Math.round(((nowMs - this.last.atMs) * this.clockRate) / 1000))) >>> 0 : 0;
    const packet = new Uint8Array(RTP_HEADER_BYTES + payload.length);
    packet[0] = 0x80; // version 2, no padding, extension or CSRCs
    packet[1] = payloadType & 0x7f;
    rewriteHeader(packet, { ssrc: this.outputSsrc, sequence, timestamp });
    packet.set(payload, RTP_HEADER_BYTES);
    this.current = null;
    this.last = { sequence, timestamp, atMs: nowMs };
    return packet;
  }

  /** Rewrites a packet of the current source in place; false for any other source. */
  rewrite(packet: Uint8Array, nowMs: number): boolean {
    const mapping = this.current;
    if (!mapping || ssrcOf(packet) !== mapping.ssrc) return false;
    const sequence = (sequenceOf(packet) + mapping.sequenceOffset) & 0xffff;
    const timestamp = (timestampOf(packet) + mapping.timestampOffset) >>> 0;
    rewriteHeader(packet, { ssrc: this.outputSsrc, sequence, timestamp });
    if (!this.last || newer(sequence, this.last.sequence)) {
      // The wall clock of a timestamp is when its first packet came: later packets of the same frame keep it.
      const atMs = this.last && this.last.timestamp === timestamp ? this.last.atMs : nowMs;
      this.last = { sequence, timestamp, atMs };
    }
    return true;
  }
}

/**
 * The main screen's video: the new source takes over at its first key frame; until then the
 * previous source keeps being recorded, so a switch never leaves a hole.
 */
export class VideoFollower {
  private wanted: number | null = null;

  constructor(
    private readonly stitcher: StreamStitcher,
    private readonly startsKeyFrame: (packet: Uint8Array) => boolean = startsVp8KeyFrame,
  ) {}

  /** The SSRC to switch to (null: keep what is recorded now). */
  follow(ssrc: number | null): void {
    this.wanted = ssrc === this.stitcher.currentSsrc ? null : ssrc;
  }

  /** Still recording the old source (or nothing) while the new one's key frame has not come. */
  get waitingForKeyFrame(): boolean {
    return this.wanted !== null;
  }

  /** The packet, rewritten, when it belongs in the recording; null to drop it. */
  accept(packet: Uint8Array, nowMs: number): Uint8Array | null {
    if (this.wanted !== null && ssrcOf(packet) === this.wanted && this.startsKeyFrame(packet)) {
      this.stitcher.cutTo(packet, nowMs);
      this.wanted = null;
    }
    return this.stitcher.rewrite(packet, nowMs) ? packet : null;
  }
}

/** A 20 ms Opus frame of silence (CELT, fullband): what WebRTC stacks send for digital silence. */
export const OPUS_SILENCE_FRAME = Uint8Array.of(0xf8, 0xff, 0xfe);
/** How often silence is sent while no microphone is heard, and after how long without audio. */
export const SILENCE_FRAME_MS = 20;
const SILENCE_AFTER_MS = 3 * SILENCE_FRAME_MS;

/** Silence longer than this hands the recording to the next source in order of preference. */
export const AUDIO_HANDOVER_MS = 400;

/**
 * The audio: one microphone at a time, the first in the order of preference that is sending
 * (the floor holder before the chair). Opus needs no key frame, so the switch is immediate.
 */
export class AudioFollower {
  private ranks = new Map<number, number>();
  private lastHeard = new Map<number, number>();
  /** The last packet out was our silence. */
  private silent = false;

  constructor(private readonly stitcher: StreamStitcher) {}

  /** The SSRCs that may be recorded, most preferred first. */
  follow(ssrcs: readonly number[]): void {
    this.ranks = new Map(ssrcs.map((ssrc, rank) => [ssrc, rank]));
  }

  accept(packet: Uint8Array, nowMs: number): Uint8Array | null {
    const ssrc = ssrcOf(packet);
    const rank = this.ranks.get(ssrc);
    if (rank === undefined) return null;
    this.lastHeard.set(ssrc, nowMs);
    const current = this.stitcher.currentSsrc;
    if (current !== ssrc && this.shouldTakeOver(rank, current, nowMs)) this.stitcher.cutTo(packet, nowMs);
    if (!this.stitcher.rewrite(packet, nowMs)) return null;
    this.silent = false;
    return packet;
  }

  /**
   * Opus silence when no microphone has sent for a while (everyone muted, nobody given the
   * floor): the audio track goes on without a hole, and ffmpeg learns it even before anyone speaks.
   */
  silence(payloadType: number, nowMs: number): Uint8Array | null {
    const lastSent = this.stitcher.lastSentAtMs;
    // Once silent, a frame every tick; after a microphone, only when it has stopped for a while.
    const wait = this.silent ? SILENCE_FRAME_MS / 2 : SILENCE_AFTER_MS;
    if (lastSent !== null && nowMs - lastSent < wait) return null;
    this.silent = true;
    return this.stitcher.synthesize(payloadType, OPUS_SILENCE_FRAME, nowMs);
  }

  private shouldTakeOver(rank: number, current: number | null, nowMs: number): boolean {
    if (current === null) return true;
    const currentRank = this.ranks.get(current);
    if (currentRank === undefined || rank < currentRank) return true;
    return nowMs - (this.lastHeard.get(current) ?? -Infinity) > AUDIO_HANDOVER_MS;
  }
}
