import { toAppError } from './errors.js';
import { notifications } from './notifications.svelte.js';
import { session } from './session.svelte.js';

/** Shows an error to the user; a lost session also sends them back to the sign-in form. */
export function reportError(error: unknown): void {
  const appError = toAppError(error);
  if (appError.code === 'unauthenticated') session.expired();
  notifications.error(appError);
}
