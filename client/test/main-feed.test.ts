import { describe, expect, it } from 'vitest';
import { MainFeed } from '../src/lib/media/main-feed.js';

describe('MainFeed', () => {
  const source = (peerId: string | null, since: number) => ({ peerId, userId: peerId && `u-${peerId}`, since });

  it('keeps who the feed carries when told before its consumer exists', () => {
    const feed = new MainFeed<string>();
    feed.setSource(source('a', 1));
    expect(feed.view()).toEqual({ track: null, source: source('a', 1) });
    feed.setConsumer('feed-1', 'track-1', false);
    expect(feed.view()).toEqual({ track: 'track-1', source: source('a', 1) });
  });

  it('keeps the latest source at every cut-over', () => {
    const feed = new MainFeed<string>();
    feed.setConsumer('feed-1', 'track-1', false);
    feed.setSource(source('a', 1));
    feed.setSource(source('b', 2));
    feed.setSource(source(null, 3));
    expect(feed.view()).toEqual({ track: 'track-1', source: source(null, 3) });
  });

  it('hides the picture while its consumer is paused, and only follows its own consumer', () => {
    const feed = new MainFeed<string>();
    feed.setConsumer('feed-1', 'track-1', true);
    expect(feed.view().track).toBeNull();
    expect(feed.setPaused('camera-of-a', false)).toBe(false);
    expect(feed.setPaused('feed-1', false)).toBe(true);
    expect(feed.setPaused('feed-1', false)).toBe(false);
    expect(feed.view().track).toBe('track-1');
    expect(feed.removeConsumer('camera-of-a')).toBe(false);
    expect(feed.removeConsumer('feed-1')).toBe(true);
    expect(feed.view().track).toBeNull();
  });

  it('forgets consumer and source when the media session is gone', () => {
    const feed = new MainFeed<string>();
    feed.setConsumer('feed-1', 'track-1', false);
    feed.setSource(source('a', 1));
    feed.reset();
    expect(feed.view()).toEqual({ track: null, source: null });
  });
});
