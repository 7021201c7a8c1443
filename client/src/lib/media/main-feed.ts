import type { MainFeedSource } from '@ehop/protocol';

/** What the main screen can show of the room's main-screen feed (`T` is a MediaStreamTrack in the browser). */
export interface MainFeedView<T = MediaStreamTrack> {
  /** The feed's picture; null while there is no feed consumer or the SFU keeps it paused for us. */
  track: T | null;
  /** Who the feed carries since when, as the SFU last said (it may tell before the consumer exists). */
  source: MainFeedSource | null;
}

export const NO_MAIN_FEED: MainFeedView<never> = { track: null, source: null };

/**
 * The receiving side of the main-screen feed: its one consumer and the latest `media:mainFeed`.
 * Pure bookkeeping (no WebRTC), so it is unit-tested; MeetingMedia feeds it events.
 */
export class MainFeed<T = MediaStreamTrack> {
  private consumer: { consumerId: string; track: T; paused: boolean } | null = null;
  private source: MainFeedSource | null = null;

  /** The feed's consumer was created (a newer one replaces an older). */
  setConsumer(consumerId: string, track: T, paused: boolean): void {
    this.consumer = { consumerId, track, paused };
  }

  /** Returns whether `consumerId` was the feed's. */
  removeConsumer(consumerId: string): boolean {
    if (this.consumer?.consumerId !== consumerId) return false;
    this.consumer = null;
    return true;
  }

  /** Returns whether anything changed (false too for a consumer that is not the feed's). */
  setPaused(consumerId: string, paused: boolean): boolean {
    if (this.consumer?.consumerId !== consumerId || this.consumer.paused === paused) return false;
    this.consumer = { ...this.consumer, paused };
    return true;
  }

  /** The SFU cut the feed over to someone (or no one): the latest word wins. */
  setSource(source: MainFeedSource): void {
    this.source = source;
  }

  /** Forgets everything: the media session is gone (leaving or rejoining). */
  reset(): void {
    this.consumer = null;
    this.source = null;
  }

  view(): MainFeedView<T> {
    const track = this.consumer && !this.consumer.paused ? this.consumer.track : null;
    return { track, source: this.source };
  }
}
