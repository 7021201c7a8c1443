import type { AppErrorCode } from './errors.js';

/**
 * The one retry policy of the web app: how long to wait before trying again after failures, and
 * which failures are worth trying again. Pure, so its schedule is unit-tested.
 */
export interface Backoff {
  /** The wait after the first failure; each further failure doubles it. */
  firstDelayMs: number;
  /** The longest wait between two tries, however long the outage. */
  maxDelayMs: number;
  /**
   * 0..1: each wait is shortened by up to this fraction, at random, so the many endpoints an
   * outage cut off together do not all come back in the same instant.
   */
  jitter: number;
}

/** How long to wait after `failures` failed tries in a row (1 = the first failure). */
export function retryDelayMs(failures: number, backoff: Backoff, random: () => number = Math.random): number {
  const doublings = Math.max(0, failures - 1);
  // Capped before it grows: 2 ** 1000 would be Infinity.
  const exponential = Math.min(backoff.maxDelayMs, backoff.firstDelayMs * 2 ** Math.min(doublings, 30));
  return Math.round(exponential * (1 - backoff.jitter * random()));
}

/** Failures that come and go (the server away, the network down): try again. */
const TRANSIENT: readonly AppErrorCode[] = ['network', 'timeout', 'internal', 'media_unavailable', 'storage_unavailable'];

export function isTransient(code: AppErrorCode): boolean {
  return TRANSIENT.includes(code);
}

/**
 * Refusals that trying again cannot change: removed from the meeting (or never in it), signed out,
 * the meeting gone or over. Anything else that stops a meeting's media is retried for as long as
 * the page is open (a hall's TV has nobody to press a button).
 */
const FINAL_REFUSALS: readonly AppErrorCode[] = ['forbidden', 'unauthenticated', 'not_found', 'meeting_ended'];

export function isFinalRefusal(code: AppErrorCode): boolean {
  return FINAL_REFUSALS.includes(code);
}
