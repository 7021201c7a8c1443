import type { PeerNetworkQuality } from '@ehop/protocol';

export type NetworkTone = 'good' | 'fair' | 'poor' | 'bad' | 'unknown';

export interface NetworkGrade {
  /** 0 (unknown) to 4 bars, as on a phone. */
  bars: 0 | 1 | 2 | 3 | 4;
  tone: NetworkTone;
  /** The worse of the two directions' loss, percent. */
  lossPercent: number | null;
}

/*
 * Thresholds for speech and video in a meeting: above ~2% loss or ~300 ms round trip people start
 * to hear it; above 10% or 800 ms a speaker is hard to follow.
 */
const STEPS: { bars: 1 | 2 | 3; tone: NetworkTone; loss: number; rtt: number }[] = [
  { bars: 1, tone: 'bad', loss: 10, rtt: 800 },
  { bars: 2, tone: 'poor', loss: 4, rtt: 400 },
  { bars: 3, tone: 'fair', loss: 1.5, rtt: 200 },
];

/** How good an endpoint's link looks, from what the SFU measured. */
export function networkGrade(quality: Pick<PeerNetworkQuality, 'uplinkLossPercent' | 'downlinkLossPercent' | 'roundTripMs' | 'uplinkBitrate' | 'downlinkBitrate'> | undefined): NetworkGrade {
  if (!quality) return { bars: 0, tone: 'unknown', lossPercent: null };
  const losses = [quality.uplinkLossPercent, quality.downlinkLossPercent].filter((value): value is number => value !== null);
  const lossPercent = losses.length > 0 ? Math.max(...losses) : null;
  const rtt = quality.roundTripMs;
  if (lossPercent === null && rtt === null && quality.uplinkBitrate === 0 && quality.downlinkBitrate === 0) {
    return { bars: 0, tone: 'unknown', lossPercent };
  }
  for (const step of STEPS) {
    if ((lossPercent ?? 0) >= step.loss || (rtt ?? 0) >= step.rtt) return { bars: step.bars, tone: step.tone, lossPercent };
  }
  return { bars: 4, tone: 'good', lossPercent };
}

/** Worst first, so the chair sees the endpoints in trouble at the top. */
export function byWorstLink(a: NetworkGrade, b: NetworkGrade): number {
  const rank = (grade: NetworkGrade) => (grade.bars === 0 ? 5 : grade.bars);
  return rank(a) - rank(b) || (b.lossPercent ?? 0) - (a.lossPercent ?? 0);
}

/** "1,2 Mb/s", "350 kb/s" in the reader's locale. */
export function formatBitrate(bitsPerSecond: number, localeTag: string): string {
  if (bitsPerSecond >= 1_000_000) {
    return `${new Intl.NumberFormat(localeTag, { maximumFractionDigits: 1 }).format(bitsPerSecond / 1_000_000)} Mb/s`;
  }
  return `${new Intl.NumberFormat(localeTag, { maximumFractionDigits: 0 }).format(bitsPerSecond / 1000)} kb/s`;
}
