import type { MainFeedSource, MediaKind } from '@ehop/protocol';

/** What the main screen can show and play of the room's main-screen feed (`T` is a MediaStreamTrack in the browser). */
export interface MainFeedView<T = MediaStreamTrack> {
  /** The feed's picture; null while there is no consumer or the SFU keeps it paused for us. */
  track: T | null;
  /** The feed's voice (the floor holder's microphone); null likewise (the holder does not hear themselves). */
  voice: T | null;
  /** Who the picture shows since when, as the SFU last said (it may tell before the consumer exists). */
  source: MainFeedSource | null;
}

export const NO_MAIN_FEED: MainFeedView<never> = { track: null, voice: null, source: null };

interface FeedConsumer<T> {
  consumerId: string;
  track: T;
  paused: boolean;
}

/**
 * The receiving side of the main-screen feed: its two consumers (picture and voice) and the latest
 * `media:mainFeed`. Pure bookkeeping (no WebRTC), so it is unit-tested; MeetingMedia feeds it events.
 */
export class MainFeed<T = MediaStreamTrack> {
  private readonly consumers: Record<MediaKind, FeedConsumer<T> | null> = { video: null, audio: null };
  private source: MainFeedSource | null = null;

  /** One of the feed's consumers was created (a newer one replaces an older of its kind). */
  setConsumer(kind: MediaKind, consumerId: string, track: T, paused: boolean): void {
    this.consumers[kind] = { consumerId, track, paused };
  }

  /** Returns whether `consumerId` was one of the feed's. */
  removeConsumer(consumerId: string): boolean {
    const kind = this.kindOf(consumerId);
    if (!kind) return false;
    this.consumers[kind] = null;
    return true;
  }

  /** Returns whether anything changed (false too for a consumer that is not the feed's). */
  setPaused(consumerId: string, paused: boolean): boolean {
    const kind = this.kindOf(consumerId);
    const consumer = kind && this.consumers[kind];
    if (!kind || !consumer || consumer.paused === paused) return false;
    this.consumers[kind] = { ...consumer, paused };
    return true;
  }

  /**
   * The SFU cut the picture over to someone (or no one). The newest cut-over wins: the current
   * source told to a newly joined peer and a room-wide cut-over travel by different paths.
   */
  setSource(source: MainFeedSource): void {
    if (this.source && source.since < this.source.since) return;
    this.source = source;
  }

  /** Forgets everything: the media session is gone (leaving or rejoining). */
  reset(): void {
    this.consumers.video = null;
    this.consumers.audio = null;
    this.source = null;
  }

  view(): MainFeedView<T> {
    const running = (consumer: FeedConsumer<T> | null) => (consumer && !consumer.paused ? consumer.track : null);
    return { track: running(this.consumers.video), voice: running(this.consumers.audio), source: this.source };
  }

  private kindOf(consumerId: string): MediaKind | null {
    if (this.consumers.video?.consumerId === consumerId) return 'video';
    if (this.consumers.audio?.consumerId === consumerId) return 'audio';
    return null;
  }
}
