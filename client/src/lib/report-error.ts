import { toAppError, type AppError } from './errors.js';
import { notifications } from './notifications.svelte.js';
import { session } from './session.svelte.js';

/** Shows an error to the user as a toast; a lost session also sends them back to the sign-in form. */
export function reportError(error: unknown): void {
  notifications.error(handleSessionLoss(error));
}

/** For errors a page shows in place (no toast): only a lost session needs acting on. */
export function handleSessionLoss(error: unknown): AppError {
  const appError = toAppError(error);
  if (appError.code === 'unauthenticated') session.expired();
  return appError;
}
