import { toAppError, type AppError } from './errors.js';

/**
 * Runs one user action at a time for a piece of room state: while `owner.busy` (reactive, so the
 * buttons wait) a second click is ignored; a failure goes to `onError`. True when it succeeded.
 */
export async function runExclusively(owner: { busy: boolean }, onError: (error: AppError) => void, action: () => Promise<void>): Promise<boolean> {
  if (owner.busy) return false;
  owner.busy = true;
  try {
    await action();
    return true;
  } catch (error) {
    onError(toAppError(error));
    return false;
  } finally {
    owner.busy = false;
  }
}
