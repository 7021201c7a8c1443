import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../src/lib/errors.js';
import { RetryLoop } from '../src/lib/retry-loop.js';
import { isFinalRefusal, isTransient, retryDelayMs, type Backoff } from '../src/lib/retry-policy.js';

const MEDIA: Backoff = { firstDelayMs: 1_000, maxDelayMs: 15_000, jitter: 0.3 };

describe('retryDelayMs', () => {
  it('doubles from the first delay and never waits longer than the cap, however long the outage', () => {
    const noJitter = { ...MEDIA, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6, 7, 50, 10_000].map((failures) => retryDelayMs(failures, noJitter))).toEqual([
      1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000, 15_000, 15_000,
    ]);
  });

  it('shortens each wait by up to the jitter fraction, never lengthens it past the cap', () => {
    expect(retryDelayMs(1, MEDIA, () => 0)).toBe(1_000);
    expect(retryDelayMs(1, MEDIA, () => 0.5)).toBe(850);
    expect(retryDelayMs(1, MEDIA, () => 1)).toBe(700);
    expect(retryDelayMs(9, MEDIA, () => 0)).toBe(15_000);
    expect(retryDelayMs(9, MEDIA, () => 0.999_999)).toBe(10_500);
    // Spread: endpoints cut off together come back at different moments, between 10.5 and 15 s apart.
    const waits = Array.from({ length: 200 }, () => retryDelayMs(20, MEDIA));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(10_500);
    expect(Math.max(...waits)).toBeLessThanOrEqual(15_000);
    expect(new Set(waits).size).toBeGreaterThan(50);
  });

  it('treats no failure yet like the first', () => {
    expect(retryDelayMs(0, { ...MEDIA, jitter: 0 })).toBe(1_000);
  });
});

describe('which failures are retried', () => {
  it('retries the server being away; stops only on refusals that trying again cannot change', () => {
    for (const code of ['network', 'timeout', 'media_unavailable', 'internal'] as const) {
      expect(isTransient(code), code).toBe(true);
      expect(isFinalRefusal(code), code).toBe(false);
    }
    for (const code of ['forbidden', 'unauthenticated', 'not_found', 'meeting_ended'] as const) {
      expect(isFinalRefusal(code), code).toBe(true);
      expect(isTransient(code), code).toBe(false);
    }
    expect(isFinalRefusal('ice_failed')).toBe(false);
  });
});

describe('RetryLoop', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const noJitter: Backoff = { firstDelayMs: 1_000, maxDelayMs: 4_000, jitter: 0 };

  /** An attempt that fails `failuresFirst` times (with `error`), then succeeds; records when it ran. */
  function flaky(failuresFirst: number, error: unknown = new AppError('media_unavailable')) {
    const startedAt: number[] = [];
    let left = failuresFirst;
    const attempt = async () => {
      startedAt.push(Date.now());
      if (left-- > 0) throw error;
    };
    return { attempt, startedAt };
  }

  const finalIfRefused = (error: unknown) => error instanceof AppError && isFinalRefusal(error.code);

  it('keeps trying with the capped backoff until an attempt succeeds', async () => {
    const { attempt, startedAt } = flaky(6);
    const loop = new RetryLoop(attempt, { backoff: noJitter, isFinal: finalIfRefused });
    const start = Date.now();
    const outcome = loop.run();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await outcome).toEqual({ status: 'succeeded' });
    expect(startedAt.map((at) => at - start)).toEqual([0, 1_000, 3_000, 7_000, 11_000, 15_000, 19_000]);
    expect(loop.active).toBe(false);
  });

  it('stops at a final refusal and hands it back', async () => {
    const refusal = new AppError('meeting_ended');
    const { attempt, startedAt } = flaky(1, refusal);
    const outcome = new RetryLoop(attempt, { backoff: noJitter, isFinal: finalIfRefused }).run();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await outcome).toEqual({ status: 'refused', error: refusal });
    expect(startedAt).toHaveLength(1);
  });

  it('tries at once when nudged during a wait, instead of waiting out the backoff', async () => {
    const { attempt, startedAt } = flaky(4);
    const loop = new RetryLoop(attempt, { backoff: noJitter, isFinal: finalIfRefused });
    const start = Date.now();
    const outcome = loop.run();
    await vi.advanceTimersByTimeAsync(7_500); // attempts at 0, 1 s, 3 s, 7 s; the next is due at 11 s
    loop.nudge(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(await outcome).toEqual({ status: 'succeeded' });
    expect(startedAt.map((at) => at - start)).toEqual([0, 1_000, 3_000, 7_000, 7_500]);
  });

  it('repeats an attempt that was on its way when nudged with repeat, even if it succeeded', async () => {
    let release: () => void = () => {};
    let attempts = 0;
    const loop = new RetryLoop(
      () => {
        attempts++;
        return attempts === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
      },
      { backoff: noJitter, isFinal: finalIfRefused },
    );
    const outcome = loop.run();
    await vi.advanceTimersByTimeAsync(0);
    loop.nudge(false); // news that changes nothing for an attempt under way
    loop.nudge(true); // the media room was lost again meanwhile
    release();
    expect(await outcome).toEqual({ status: 'succeeded' });
    expect(attempts).toBe(2);
  });

  it('ends when stopped, even in the middle of a long wait', async () => {
    const { attempt, startedAt } = flaky(100);
    const loop = new RetryLoop(attempt, { backoff: noJitter, isFinal: finalIfRefused });
    const outcome = loop.run();
    await vi.advanceTimersByTimeAsync(2_000);
    loop.stop();
    expect(await outcome).toEqual({ status: 'stopped' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(startedAt).toHaveLength(2);
  });

  it('is one run at a time: starting it again while running joins the same run', async () => {
    const { attempt, startedAt } = flaky(1);
    const loop = new RetryLoop(attempt, { backoff: noJitter, isFinal: finalIfRefused });
    const first = loop.run();
    const second = loop.run();
    expect(second).toBe(first);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await first).toEqual({ status: 'succeeded' });
    expect(startedAt).toHaveLength(2);
  });
});
