import type wrtc from '@roamhq/wrtc';
import { paintMovingRamp, startSyntheticMedia, SYNTHETIC_VIDEO, type SyntheticMedia } from '@ehop/faults';

/**
 * A synthetic camera and microphone as the fault suite's (faults/src/synthetic-media.ts: 320x180 at
 * 10 fps, a moving luma ramp, a 440 Hz tone in 10 ms frames), with the sender's number drawn in
 * the picture: the top macroblock row (16 lines) holds 8 blocks of 40 pixels, each black or white,
 * one bit each. A receiver reads the number back from each decoded frame (MarkerWatcher), so "the
 * new speaker's picture arrived" is measured the same way on any server: from the pixels.
 */
const MARK_ROWS = 16;
const BITS = 8;

/** The fault suite's synthetic camera and microphone, the camera's top rows carrying `mark`. */
export type MarkedMedia = SyntheticMedia;

export function startMarkedMedia(rtc: typeof wrtc, mark: number): MarkedMedia {
  if (mark < 1 || mark > 255) throw new Error('a mark is 1..255');
  const { width } = SYNTHETIC_VIDEO;
  const blockWidth = width / BITS;
  return startSyntheticMedia(rtc, (luma, tick) => {
    paintMovingRamp(luma, tick, MARK_ROWS);
    for (let y = 0; y < MARK_ROWS; y++) {
      for (let bit = 0; bit < BITS; bit++) {
        const on = (mark >> (BITS - 1 - bit)) & 1;
        luma.fill(on ? 235 : 16, y * width + bit * blockWidth, y * width + (bit + 1) * blockWidth);
      }
    }
  });
}

/** The mark in a decoded I420 frame (any size: the blocks scale with it), or 0 if unreadable. */
export function readMark(frame: { width: number; height: number; data: Uint8Array }): number {
  const { width, height, data } = frame;
  const rows = Math.max(2, Math.round((MARK_ROWS * height) / SYNTHETIC_VIDEO.height));
  const y = Math.floor(rows / 2);
  const blockWidth = width / BITS;
  let mark = 0;
  for (let bit = 0; bit < BITS; bit++) {
    const x0 = Math.floor(bit * blockWidth + blockWidth / 4);
    const x1 = Math.floor(bit * blockWidth + (3 * blockWidth) / 4);
    let sum = 0;
    for (let x = x0; x < x1; x++) sum += data[y * width + x]!;
    const mean = sum / (x1 - x0);
    // Between the two levels: a frame still blurred from a cut (or no mark at all).
    if (mean > 70 && mean < 180) return 0;
    mark = (mark << 1) | (mean >= 180 ? 1 : 0);
  }
  return mark;
}

/**
 * Watches a received video track's decoded frames (wrtc's nonstandard RTCVideoSink) and keeps when
 * each mark was first seen after a point in time. `track` may be replaced (a new consumer).
 */
export class MarkerWatcher {
  /** The mark of the last decoded frame and when it was decoded (performance.now()). */
  current = 0;
  frames = 0;
  private sink: { stop(): void; onframe: unknown } | null = null;
  private trackId: string | null = null;
  private readonly waiters: { mark: number; resolve: (at: number) => void }[] = [];

  constructor(private readonly rtc: typeof wrtc) {}

  /** Starts (or moves) watching `track`; no-op when it already watches it. */
  watch(track: MediaStreamTrack): void {
    if (this.trackId === track.id) return;
    this.sink?.stop();
    this.trackId = track.id;
    const sink = new this.rtc.nonstandard.RTCVideoSink(track as never);
    sink.onframe = ({ frame }: { frame: { width: number; height: number; data: Uint8Array } }) => {
      const at = performance.now();
      this.frames++;
      const mark = readMark(frame);
      if (mark === 0) return;
      this.current = mark;
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.waiters[i]!.mark === mark) this.waiters.splice(i, 1)[0]!.resolve(at);
      }
    };
    this.sink = sink as never;
  }

  /** Resolves with the time of the first decoded frame showing `mark` from now on (or now, if the last one did: `immediate`). */
  next(mark: number, timeoutMs: number): Promise<number | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve(null);
      }, timeoutMs);
      const waiter = {
        mark,
        resolve: (at: number) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      this.waiters.push(waiter);
    });
  }

  stop(): void {
    this.sink?.stop();
    this.sink = null;
  }
}

/** Inbound RTP counters of a peer connection (every inbound-rtp stream summed), from wrtc's getStats. */
export interface InboundCounters {
  packetsReceived: number;
  packetsLost: number;
  bytesReceived: number;
  /** inbound-rtp entries (streams) seen */
  streams: number;
  /** Packets received per stream, by `<client>:<stats id>`. */
  perStream: Map<string, number>;
  videoPackets: number;
  audioPackets: number;
}

/** `client` names the peer connection, so that streams of different clients stay apart in `perStream`. */
export async function inboundCounters(pc: RTCPeerConnection, client: string): Promise<InboundCounters> {
  const counters: InboundCounters = { packetsReceived: 0, packetsLost: 0, bytesReceived: 0, streams: 0, perStream: new Map(), videoPackets: 0, audioPackets: 0 };
  const report = await pc.getStats();
  report.forEach((stat: Record<string, unknown>) => {
    if (stat['type'] !== 'inbound-rtp') return;
    counters.streams++;
    counters.perStream.set(`${client}:${String(stat['id'])}`, Number(stat['packetsReceived'] ?? 0));
    if ((stat['kind'] ?? stat['mediaType']) === 'video') counters.videoPackets += Number(stat['packetsReceived'] ?? 0);
    else counters.audioPackets += Number(stat['packetsReceived'] ?? 0);
    counters.packetsReceived += Number(stat['packetsReceived'] ?? 0);
    counters.packetsLost += Math.max(0, Number(stat['packetsLost'] ?? 0));
    counters.bytesReceived += Number(stat['bytesReceived'] ?? 0);
  });
  return counters;
}

export function addCounters(a: InboundCounters, b: InboundCounters): InboundCounters {
  return {
    packetsReceived: a.packetsReceived + b.packetsReceived,
    packetsLost: a.packetsLost + b.packetsLost,
    bytesReceived: a.bytesReceived + b.bytesReceived,
    streams: a.streams + b.streams,
    perStream: new Map([...a.perStream, ...b.perStream]),
    videoPackets: a.videoPackets + b.videoPackets,
    audioPackets: a.audioPackets + b.audioPackets,
  };
}

export const ZERO_COUNTERS: InboundCounters = { packetsReceived: 0, packetsLost: 0, bytesReceived: 0, streams: 0, perStream: new Map(), videoPackets: 0, audioPackets: 0 };

/** Streams that received more than `minPackets` packets between two readings. */
export function activeStreams(before: InboundCounters, after: InboundCounters, minPackets = 0): number {
  let active = 0;
  for (const [key, packets] of after.perStream) if (packets - (before.perStream.get(key) ?? 0) > minPackets) active++;
  return active;
}
