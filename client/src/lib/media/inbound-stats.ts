/** One received track's counters, as the benchmark and the end-to-end tests read them. */
export interface InboundStat {
  peerId: string;
  consumerId: string;
  kind: 'audio' | 'video';
  bytesReceived: number;
  framesDecoded?: number;
  packetsLost: number;
  packetsReceived: number;
}

/** What is known about a consumer to recognise its `inbound-rtp` entry. */
export interface ConsumerIdentity {
  consumerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  trackId: string;
  mid: string | undefined;
}

/** The fields of an RTCStats `inbound-rtp` entry used here (all optional: browsers differ). */
interface InboundRtpLike {
  type: string;
  kind?: string;
  mediaType?: string;
  trackIdentifier?: string;
  mid?: string;
  bytesReceived?: number;
  framesDecoded?: number;
  packetsLost?: number;
  packetsReceived?: number;
}

/**
 * Maps the receive transport's `getStats()` report to consumers: by track id first (what the
 * receiver plays), by MID otherwise. Entries of no known consumer (e.g. RTX, probation) are left out.
 */
export function mapInboundStats(report: Iterable<unknown>, consumers: readonly ConsumerIdentity[]): InboundStat[] {
  const byTrack = new Map(consumers.map((consumer) => [consumer.trackId, consumer]));
  const byMid = new Map(consumers.filter((c) => c.mid !== undefined).map((consumer) => [consumer.mid!, consumer]));
  const result: InboundStat[] = [];
  for (const entry of report) {
    const stats = entry as InboundRtpLike;
    if (stats?.type !== 'inbound-rtp') continue;
    const consumer =
      (stats.trackIdentifier !== undefined ? byTrack.get(stats.trackIdentifier) : undefined) ??
      (stats.mid !== undefined ? byMid.get(stats.mid) : undefined);
    if (!consumer) continue;
    result.push({
      peerId: consumer.peerId,
      consumerId: consumer.consumerId,
      kind: consumer.kind,
      bytesReceived: stats.bytesReceived ?? 0,
      ...(consumer.kind === 'video' ? { framesDecoded: stats.framesDecoded ?? 0 } : {}),
      packetsLost: stats.packetsLost ?? 0,
      packetsReceived: stats.packetsReceived ?? 0,
    });
  }
  return result;
}
