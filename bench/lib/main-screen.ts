import { percentile, round, sleep } from './stats.js';
import type { SyntheticEndpoint } from './synthetic-endpoint.js';

/** Grant → main screen times of one group of receivers (ms): nearest-rank p50/p95, max, receivers that never switched. */
export interface SwitchSummary {
  p50: number;
  p95: number;
  max: number;
  missed: number;
  samples: number;
}

export function summary(values: number[], missed = 0): SwitchSummary {
  const max = values.length > 0 ? Math.max(...values) : Number.NaN;
  return { p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), max: round(max), missed, samples: values.length };
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))]);
}

/**
 * When `receiver`'s main screen carries the speaker (all three, after the grant): it was told so
 * (conference state), the SFU said its feed now carries the speaker (media:mainFeed), and the feed's
 * first key frame sent from that cut-over on (the notice's `since`) arrived.
 */
export function mainScreenCarries(receiver: SyntheticEndpoint, speakerUserId: string, speakerPeerId: string, t0: number): number | undefined {
  const told = receiver.toldMainAfter(speakerUserId, t0);
  // The all-to-all baseline has no feed: every camera already runs at every receiver, so being told is enough.
  if (!receiver.hasFeed) return told;
  const notice = receiver.feedNoticeFor(speakerPeerId, t0);
  const picture = notice && receiver.feedKeyframeSince(notice.source.since);
  if (told === undefined || notice === undefined || picture === undefined) return undefined;
  return Math.max(told, notice.at, picture);
}

/** Polls `probe` every 50 ms until it answers non-null, or null after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number): Promise<T | null> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const value = await probe();
    if (value !== null) return value;
    await sleep(50);
  }
  return null;
}
