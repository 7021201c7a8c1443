import { createSocket, type Socket } from 'node:dgram';
import { isRtcp, isRtp, startsVp8KeyFrame } from '@ehop/rtp';

/** What a synthetic receiver knows about one stream it receives (one consumer). */
interface StreamState {
  received: number;
  /** Extended highest sequence number (wraps counted). */
  highest: number;
  first: number;
  lastPacketAt: number;
  /** Arrival times of VP8 key frames (the last few). */
  keyframes: number[];
}

export interface LossWindow {
  expected: number;
  received: number;
}

/**
 * A synthetic endpoint's receiving side: a UDP socket the SFU's plain transport sends to. It
 * counts packets per SSRC, measures loss from sequence numbers, and notes when VP8 key frames
 * arrive (the moment a new picture can be shown).
 */
export class RtpSink {
  readonly socket: Socket;
  private readonly streams = new Map<number, StreamState>();
  /** SSRCs of video streams (key frames are only looked for there). */
  private readonly videoSsrcs = new Set<number>();
  packets = 0;

  constructor() {
    this.socket = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
    this.socket.on('message', (message) => this.onPacket(message));
  }

  async bind(): Promise<number> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    return this.socket.address().port;
  }

  markVideo(ssrc: number): void {
    this.videoSsrcs.add(ssrc);
  }

  /** Packets counted on each stream so far, for loss over a window (compare two snapshots). */
  snapshot(): Map<number, { received: number; highest: number }> {
    return new Map([...this.streams].map(([ssrc, state]) => [ssrc, { received: state.received, highest: state.highest }]));
  }

  /** When the stream last delivered a packet (performance.now()), or undefined. */
  lastPacketAt(ssrc: number): number | undefined {
    return this.streams.get(ssrc)?.lastPacketAt;
  }

  /** The first key frame of `ssrc` that arrived after `after`, or undefined. */
  keyframeAfter(ssrc: number, after: number): number | undefined {
    return this.streams.get(ssrc)?.keyframes.find((at) => at > after);
  }

  close(): void {
    this.socket.close();
  }

  private onPacket(packet: Buffer): void {
    if (!isRtp(packet) || isRtcp(packet)) return; // RTCP comes on the same port
    this.packets++;
    const now = performance.now();
    const sequence = packet.readUInt16BE(2);
    const ssrc = packet.readUInt32BE(8);
    let state = this.streams.get(ssrc);
    if (!state) {
      state = { received: 0, highest: sequence, first: sequence, lastPacketAt: now, keyframes: [] };
      this.streams.set(ssrc, state);
    }
    state.received++;
    state.lastPacketAt = now;
    state.highest = extend(state.highest, sequence);
    if (this.videoSsrcs.has(ssrc) && startsVp8KeyFrame(packet)) {
      state.keyframes.push(now);
      if (state.keyframes.length > 64) state.keyframes.shift();
    }
  }
}

/** Loss between two snapshots over every stream both contain. */
export function lossBetween(before: Map<number, { received: number; highest: number }>, after: Map<number, { received: number; highest: number }>): LossWindow {
  const total: LossWindow = { expected: 0, received: 0 };
  for (const [ssrc, end] of after) {
    const start = before.get(ssrc);
    if (!start) continue;
    total.expected += Math.max(0, end.highest - start.highest);
    total.received += end.received - start.received;
  }
  return total;
}

/** Sequence numbers wrap at 65536: keep counting upwards (reordering of < 32768 tolerated). */
function extend(highest: number, sequence: number): number {
  const cycle = highest - (highest & 0xffff);
  let candidate = cycle + sequence;
  if (candidate < highest - 32768) candidate += 65536;
  else if (candidate > highest + 32768) candidate -= 65536;
  return Math.max(highest, candidate);
}
