import { retryDelayMs, type Backoff } from './retry-policy.js';

export type RetryOutcome = { status: 'succeeded' } | { status: 'stopped' } | { status: 'refused'; error: unknown };

export interface RetryLoopOptions {
  backoff: Backoff;
  /** A failure that trying again cannot change: the loop ends with it. */
  isFinal(error: unknown): boolean;
  random?: () => number;
  timers?: { set: (callback: () => void, ms: number) => unknown; clear: (handle: unknown) => void };
}

const realTimers = { set: (callback: () => void, ms: number) => setTimeout(callback, ms), clear: (handle: unknown) => clearTimeout(handle as number) };

/**
 * Runs `attempt` until it succeeds, with growing waits between failures (the shared backoff), for
 * as long as nobody stops it and no failure is final. `nudge` cuts a wait short when the caller
 * learns that trying now would work (the server said it is back).
 */
export class RetryLoop {
  private running: Promise<RetryOutcome> | null = null;
  private wake: (() => void) | null = null;
  private repeat = false;
  private stopped = false;

  constructor(
    private readonly attempt: () => Promise<void>,
    private readonly options: RetryLoopOptions,
  ) {}

  get active(): boolean {
    return this.running !== null;
  }

  /** Starts trying (at once, or after the wait owed to `failures` earlier failures); while running, the same run. */
  run(failures = 0): Promise<RetryOutcome> {
    if (!this.running) {
      this.stopped = false;
      this.running = this.loop(failures).finally(() => (this.running = null));
    }
    return this.running;
  }

  /**
   * Try now: a waiting loop tries at once. With `repeat`, an attempt already on its way is followed
   * by one more even if it succeeds (it began before what the caller just learned, e.g. the media
   * room was lost again).
   */
  nudge(repeat: boolean): void {
    if (!this.running) return;
    if (this.wake) this.wake();
    else if (repeat) this.repeat = true;
  }

  /** Ends the run after the current attempt (or at once, if waiting). */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async loop(failures: number): Promise<RetryOutcome> {
    for (;;) {
      if (failures > 0) await this.pause(retryDelayMs(failures, this.options.backoff, this.options.random));
      if (this.stopped) return { status: 'stopped' };
      this.repeat = false;
      try {
        await this.attempt();
        if (this.stopped) return { status: 'stopped' };
        if (!this.repeat) return { status: 'succeeded' };
        failures = 0;
      } catch (error) {
        if (this.stopped) return { status: 'stopped' };
        if (this.options.isFinal(error)) return { status: 'refused', error };
        // Nudged while failing: the news came after this attempt began, so the next may work at once.
        failures = this.repeat ? 0 : failures + 1;
      }
    }
  }

  private pause(ms: number): Promise<void> {
    const timers = this.options.timers ?? realTimers;
    return new Promise((resolve) => {
      const handle = timers.set(() => done(), ms);
      const done = () => {
        timers.clear(handle);
        this.wake = null;
        resolve();
      };
      this.wake = done;
    });
  }
}
