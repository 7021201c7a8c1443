import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyFrameThrottle } from '../src/media/key-frame-throttle.js';

describe('KeyFrameThrottle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const make = () => {
    const sent: number[] = [];
    const throttle = new KeyFrameThrottle(300, () => sent.push(Date.now()), () => Date.now());
    return { sent, throttle, start: Date.now() };
  };

  it('passes the first request on at once', () => {
    const { sent, throttle, start } = make();
    throttle.request();
    expect(sent).toEqual([start]);
  });

  it('holds a request inside the interval until it ends instead of dropping it (a receiver joining 80 ms after another)', () => {
    const { sent, throttle, start } = make();
    throttle.request();
    vi.advanceTimersByTime(80);
    throttle.request();
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(220);
    expect(sent).toEqual([start, start + 300]);
  });

  it('sends the requests held together as one, and never more often than the interval', () => {
    const { sent, throttle, start } = make();
    for (let ms = 0; ms < 1_000; ms += 10) {
      throttle.request();
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(1_000);
    // The requests after the one at 900 are served at 1,200: the last receiver still gets its key frame.
    expect(sent).toEqual([start, start + 300, start + 600, start + 900, start + 1_200]);
  });

  it('forgets a held request once cancelled', () => {
    const { sent, throttle } = make();
    throttle.request();
    throttle.request();
    throttle.cancel();
    vi.advanceTimersByTime(1_000);
    expect(sent).toHaveLength(1);
  });
});
