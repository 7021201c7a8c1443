import { RequestError } from '@ehop/protocol';
import { UnsupportedError } from 'mediasoup/node/lib/errors.js';

/**
 * mediasoup validates RTP parameters, capabilities and DTLS parameters itself, and says so with
 * TypeError (malformed) or UnsupportedError (no codec in common). Those are the caller's mistake,
 * not ours: they become `invalid_payload` with mediasoup's explanation. Anything else is rethrown.
 */
export function asCallerMistake(error: unknown): never {
  if (error instanceof TypeError || error instanceof UnsupportedError) {
    throw new RequestError('invalid_payload', error.message);
  }
  throw error;
}
