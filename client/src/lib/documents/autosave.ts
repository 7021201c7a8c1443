import { toAppError, type AppErrorCode } from '../errors.js';
import { isTransient, retryDelayMs } from '../retry-policy.js';

/**
 * pending: typed, waiting for a pause in typing; saving: sent; saved: the server has the latest;
 * retrying: the server could not be reached, trying again; failed: refused (will not retry).
 */
export type SaveStatus = 'saved' | 'pending' | 'saving' | 'retrying' | 'failed';

export interface AutosaveOptions {
  /** Quiet time after the last change before saving. */
  delayMs?: number;
  /** Longest wait between retries when the server is unreachable. */
  maxRetryMs?: number;
  onStatus?: (status: SaveStatus, errorCode: AppErrorCode | null) => void;
  timers?: { set: (callback: () => void, ms: number) => unknown; clear: (handle: unknown) => void };
}

/**
 * Saves the latest value of something being typed: after a pause in typing, one save at a time,
 * always the newest value, and again and again (with growing waits) while the server cannot be
 * reached, so nothing typed is lost while signaling restarts or the network drops.
 */
export class Autosaver<T> {
  private latest: T | undefined;
  private dirty = false;
  private inFlight: Promise<void> | null = null;
  private timer: unknown = null;
  /** Failed saves in a row: the wait before the next grows with them. */
  private failures = 0;
  private stopped = false;
  status: SaveStatus = 'saved';

  constructor(
    private readonly save: (value: T) => Promise<unknown>,
    private readonly options: AutosaveOptions = {},
  ) {}

  /** The value changed: save it after the quiet time. */
  change(value: T): void {
    this.latest = value;
    this.dirty = true;
    this.setStatus('pending', null);
    this.schedule(this.options.delayMs ?? 700);
  }

  /** The value not yet saved, if any (for a last keepalive save when the page goes away). */
  unsaved(): T | undefined {
    return this.dirty ? this.latest : undefined;
  }

  /** Saves now whatever is unsaved; resolves when the server has it (or the attempt failed). */
  async flush(): Promise<void> {
    this.clearTimer();
    if (this.inFlight) await this.inFlight;
    if (this.dirty && !this.stopped) await this.run();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
  }

  private schedule(ms: number): void {
    this.clearTimer();
    const timers = this.options.timers ?? { set: (callback, delay) => setTimeout(callback, delay), clear: (handle) => clearTimeout(handle as number) };
    this.timer = timers.set(() => {
      this.timer = null;
      void this.flush();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer === null) return;
    (this.options.timers?.clear ?? ((handle: unknown) => clearTimeout(handle as number)))(this.timer);
    this.timer = null;
  }

  private run(): Promise<void> {
    const value = this.latest as T;
    this.dirty = false;
    this.setStatus('saving', null);
    this.inFlight = this.save(value).then(
      () => {
        this.inFlight = null;
        this.failures = 0;
        // Typed again while this was on its way: the timer (or the caller's flush) saves that too.
        if (!this.dirty) this.setStatus('saved', null);
        else if (this.timer === null && !this.stopped) this.schedule(0);
      },
      (error: unknown) => {
        this.inFlight = null;
        const code = toAppError(error).code;
        // Nothing newer typed meanwhile: this value is still the one to save.
        if (!this.dirty) {
          this.latest = value;
          this.dirty = true;
        }
        if (!isTransient(code)) return this.setStatus('failed', code);
        this.setStatus('retrying', code);
        this.failures++;
        // No jitter: one person's notes, not a crowd coming back at once.
        const wait = retryDelayMs(this.failures, { firstDelayMs: 500, maxDelayMs: this.options.maxRetryMs ?? 8000, jitter: 0 });
        if (!this.stopped) this.schedule(wait);
      },
    );
    return this.inFlight;
  }

  private setStatus(status: SaveStatus, errorCode: AppErrorCode | null): void {
    this.status = status;
    this.options.onStatus?.(status, errorCode);
  }
}
