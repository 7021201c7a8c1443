import type { types } from 'mediasoup';

/** Cumulative counters of an RTP stream at one moment. */
export interface StreamCounters {
  packets: number;
  lost: number;
}

/**
 * Loss between two readings of the same stream's counters, percent; null when too few packets
 * passed to say (a muted microphone, a paused camera).
 */
export function lossPercentBetween(previous: StreamCounters | undefined, now: StreamCounters, minPackets = 20): number | null {
  const packets = now.packets - (previous?.packets ?? 0);
  const lost = Math.max(0, now.lost - (previous?.lost ?? 0));
  if (packets + lost < minPackets || packets < 0) return null;
  return round((100 * lost) / (packets + lost));
}

/** The worse of several loss figures, ignoring unknowns. */
export function worstLoss(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length === 0 ? null : Math.max(...known);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

interface RtpStreamStat {
  type?: string;
  packetCount?: number;
  packetsLost?: number;
  roundTripTime?: number;
  ssrc?: number;
}

/**
 * Remembers each stream's last counters so every reading reports loss over the last interval
 * (a link that was bad an hour ago and is fine now must look fine).
 */
export class LossMeter {
  private readonly last = new Map<string, StreamCounters>();

  /** Loss over the interval for the streams of `objectId`, of the given stats type. */
  read(objectId: string, stats: readonly RtpStreamStat[], type: 'inbound-rtp' | 'outbound-rtp'): number | null {
    const losses = stats
      .filter((stat) => stat.type === type)
      .map((stat) => {
        const key = `${objectId}/${stat.ssrc ?? 0}`;
        const now = { packets: stat.packetCount ?? 0, lost: stat.packetsLost ?? 0 };
        const loss = lossPercentBetween(this.last.get(key), now);
        this.last.set(key, now);
        return loss;
      });
    return worstLoss(losses);
  }

  forget(objectId: string): void {
    for (const key of this.last.keys()) if (key.startsWith(`${objectId}/`)) this.last.delete(key);
  }
}

/** Round-trip time reported by the receiver for a consumer's stream, milliseconds. */
export function roundTripOf(stats: readonly RtpStreamStat[]): number | null {
  const rtts = stats.map((stat) => stat.roundTripTime).filter((rtt): rtt is number => typeof rtt === 'number' && rtt > 0);
  return rtts.length === 0 ? null : Math.round(Math.max(...rtts));
}

/** A transport's current bitrates (bits per second) as mediasoup measures them. */
export async function transportBitrates(transport: types.Transport | undefined): Promise<{ recv: number; send: number }> {
  if (!transport || transport.closed) return { recv: 0, send: 0 };
  const [stats] = ((await transport.getStats().catch(() => [])) as { recvBitrate?: number; sendBitrate?: number }[]);
  return { recv: Math.round(stats?.recvBitrate ?? 0), send: Math.round(stats?.sendBitrate ?? 0) };
}
