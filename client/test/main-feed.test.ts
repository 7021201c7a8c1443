import { describe, expect, it } from 'vitest';
import { MainFeed } from '../src/lib/media/main-feed.js';

describe('MainFeed', () => {
  const source = (peerId: string | null, since: number) => ({ peerId, userId: peerId && `u-${peerId}`, since });

  it('keeps who the feed carries when told before its consumer exists', () => {
    const feed = new MainFeed<string>();
    feed.setSource(source('a', 1));
    expect(feed.view()).toEqual({ track: null, voice: null, source: source('a', 1) });
    feed.setConsumer('video', 'feed-1', 'track-1', false);
    expect(feed.view()).toEqual({ track: 'track-1', voice: null, source: source('a', 1) });
  });

  it('keeps the latest source at every cut-over', () => {
    const feed = new MainFeed<string>();
    feed.setConsumer('video', 'feed-1', 'track-1', false);
    feed.setSource(source('a', 1));
    feed.setSource(source('b', 2));
    feed.setSource(source(null, 3));
    expect(feed.view()).toEqual({ track: 'track-1', voice: null, source: source(null, 3) });
  });

  it('ignores news of an older cut-over that arrives after a newer one', () => {
    const feed = new MainFeed<string>();
    feed.setSource(source('b', 2));
    feed.setSource(source('a', 1));
    expect(feed.view().source).toEqual(source('b', 2));
  });

  it('hides the picture while its consumer is paused, and only follows its own consumer', () => {
    const feed = new MainFeed<string>();
    feed.setConsumer('video', 'feed-1', 'track-1', true);
    expect(feed.view().track).toBeNull();
    expect(feed.setPaused('camera-of-a', false)).toBe(false);
    expect(feed.setPaused('feed-1', false)).toBe(true);
    expect(feed.setPaused('feed-1', false)).toBe(false);
    expect(feed.view().track).toBe('track-1');
    expect(feed.removeConsumer('camera-of-a')).toBe(false);
    expect(feed.removeConsumer('feed-1')).toBe(true);
    expect(feed.view().track).toBeNull();
  });

  it('keeps the voice apart from the picture: pausing one leaves the other playing', () => {
    const feed = new MainFeed<string>();
    feed.setConsumer('video', 'feed-picture', 'picture', false);
    feed.setConsumer('audio', 'feed-voice', 'voice', false);
    expect(feed.setPaused('feed-voice', true)).toBe(true);
    expect(feed.view()).toMatchObject({ track: 'picture', voice: null });
    expect(feed.removeConsumer('feed-picture')).toBe(true);
    expect(feed.setPaused('feed-voice', false)).toBe(true);
    expect(feed.view()).toMatchObject({ track: null, voice: 'voice' });
  });

  it('forgets consumer and source when the media session is gone', () => {
    const feed = new MainFeed<string>();
    feed.setConsumer('video', 'feed-1', 'track-1', false);
    feed.setSource(source('a', 1));
    feed.reset();
    expect(feed.view()).toEqual({ track: null, voice: null, source: null });
  });
});
