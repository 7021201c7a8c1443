import type { Ack } from '@ehop/protocol';
import { AppError, isAppErrorCode } from './errors.js';

/** Unwraps a socket.io acknowledgement: its data, or the server's error thrown as an AppError. */
export function unwrapAck<T>(ack: Ack<T> | undefined | null): T {
  if (!ack || typeof ack !== 'object' || typeof ack.ok !== 'boolean') {
    throw new AppError('internal', 'Malformed acknowledgement from the server');
  }
  if (ack.ok) return ack.data;
  // A code this build does not know (a newer server) still reaches the user, as a generic error.
  const code = isAppErrorCode(ack.error?.code) ? ack.error.code : 'internal';
  throw new AppError(code, ack.error?.message ?? code, undefined, ack.error?.issues ?? []);
}
