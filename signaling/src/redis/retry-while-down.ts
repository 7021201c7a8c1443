import type { Logger } from '../logger.js';
import { isStorageFailure } from './storage-failure.js';

/** First wait, doubling up to the longest, for as long as an outage is worth waiting out. */
const FIRST_WAIT_MS = 1000;
const LONGEST_WAIT_MS = 30_000;
const GIVE_UP_AFTER_MS = 15 * 60_000;

/**
 * For the server's own background writes (nobody waits for their answer): runs `task` now and
 * resolves when it is done. If Redis is unreachable (the command connection fails fast,
 * redis/client.ts) it resolves at once instead, and runs `task` again in the background with
 * growing waits until it goes through. Other failures reject as usual. Requests a person made are
 * never retried here: they hear `storage_unavailable` and retry themselves.
 */
export async function runNowOrWhenStored(task: () => Promise<void>, logger: Logger, what: string): Promise<void> {
  try {
    await task();
  } catch (error) {
    if (!isStorageFailure(error)) throw error;
    logger.warn(`${what}: storage unavailable, trying again in the background`);
    retryLater(task, logger, what, FIRST_WAIT_MS, Date.now());
  }
}

function retryLater(task: () => Promise<void>, logger: Logger, what: string, waitMs: number, since: number): void {
  setTimeout(() => {
    task().then(
      () => logger.info(`${what}: done after the storage outage`),
      (error: unknown) => {
        if (isStorageFailure(error) && Date.now() - since < GIVE_UP_AFTER_MS) {
          retryLater(task, logger, what, Math.min(waitMs * 2, LONGEST_WAIT_MS), since);
        } else {
          logger.error({ err: error }, `${what} failed`);
        }
      },
    );
  }, waitMs).unref();
}
