import { RequestError } from '@ehop/protocol';
import { ClientClosedError, ClientOfflineError, ConnectionTimeoutError, SocketClosedUnexpectedlyError, SocketTimeoutError } from 'redis';

/** Socket errors a command in flight is rejected with when the connection to Redis drops. */
const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN']);

/** True when `error` says Redis could not be reached, not that a command was wrong. */
export function isStorageFailure(error: unknown): boolean {
  if (
    error instanceof ClientOfflineError ||
    error instanceof ClientClosedError ||
    error instanceof SocketClosedUnexpectedlyError ||
    error instanceof ConnectionTimeoutError ||
    error instanceof SocketTimeoutError
  ) {
    return true;
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECTION_ERROR_CODES.has(code);
}

/** The error a caller hears when storage is down (realtime/idempotent-requests.ts says what a retry gets). */
export function storageUnavailable(message = 'Storage is unavailable right now; please try again shortly'): RequestError {
  return new RequestError('storage_unavailable', message);
}

/** Rethrows a Redis outage as `storage_unavailable`; anything else as it is. */
export function asRequestError(error: unknown): unknown {
  return isStorageFailure(error) ? storageUnavailable() : error;
}
