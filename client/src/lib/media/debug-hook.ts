import type { InboundStat } from './inbound-stats.js';

/**
 * `window.ehopDebug`: what the end-to-end tests and the join-latency benchmark read from a page.
 * Times are `performance.now()` milliseconds of this page.
 */
export interface EhopDebug {
  /** Counters of every track this page receives, mapped to the peer that sends it. */
  inboundStats(): Promise<InboundStat[]>;
  /** When the user pressed Join (the start of the join flow). */
  joinedAt: number | null;
  /** When `meeting:join` was acknowledged. */
  joinAckAt: number | null;
  /** When the first remote video consumer was created after joining (media still to arrive). */
  firstRemoteVideoTrackAt: number | null;
  /** When the first frame of any remote video was presented after joining. */
  firstRemoteVideoFrameAt: number | null;
}

declare global {
  interface Window {
    ehopDebug: EhopDebug;
  }
}

type StatsSource = () => Promise<InboundStat[]>;

let statsSource: StatsSource | null = null;

const debug: EhopDebug = {
  inboundStats: () => (statsSource ? statsSource() : Promise.resolve([])),
  joinedAt: null,
  joinAckAt: null,
  firstRemoteVideoTrackAt: null,
  firstRemoteVideoFrameAt: null,
};

export function installDebugHook(): void {
  window.ehopDebug = debug;
}

/** The meeting whose receive transport `inboundStats()` reads (null when none). */
export function setStatsSource(source: StatsSource | null): void {
  statsSource = source;
}

export function markJoinStarted(): void {
  debug.joinedAt = performance.now();
  debug.joinAckAt = null;
  debug.firstRemoteVideoTrackAt = null;
  debug.firstRemoteVideoFrameAt = null;
}

export function markJoinAcknowledged(): void {
  debug.joinAckAt = performance.now();
}

export function markRemoteVideoTrack(): void {
  if (debug.joinedAt !== null && debug.firstRemoteVideoTrackAt === null) debug.firstRemoteVideoTrackAt = performance.now();
}

/** Only the first frame after a join counts. */
export function markRemoteVideoFrame(presentedAt: number): void {
  if (debug.joinedAt !== null && debug.firstRemoteVideoFrameAt === null) debug.firstRemoteVideoFrameAt = presentedAt;
}
