import { z } from 'zod';
import type { ClientRequestName } from './client-api.js';

/*
 * Retrying a write safely. A client that got no answer (timeout, lost connection) or
 * `storage_unavailable` cannot know whether its write was applied. The requests below accept an
 * `idempotencyKey` next to their payload fields (a random string the client makes once per user
 * action and sends again with every retry of it); signaling answers a retry with the answer of the
 * attempt that ran, and never runs one key twice (for 10 minutes, per user):
 *   1st attempt: { meetingId, voteId, optionId, idempotencyKey: 'k1' } -> ok (ballot counted)
 *   retry:       { meetingId, voteId, optionId, idempotencyKey: 'k1' } -> the same ok, nothing applied again
 * While the first attempt is still running a retry gets `storage_unavailable` (try again later).
 * The key is read and removed before the payload is validated, so it never reaches a handler.
 */

export const IdempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, '16 to 64 letters, digits, _ or -');
export type IdempotencyKey = z.infer<typeof IdempotencyKey>;

/** The payload field that carries the key. */
export const IDEMPOTENCY_KEY_FIELD = 'idempotencyKey';

/** Writes a client may send again with the same key: the records a meeting keeps. */
export const IDEMPOTENT_REQUESTS = [
  'agenda:addItem',
  'agenda:updateItem',
  'agenda:removeItem',
  'agenda:reorder',
  'agenda:setCurrent',
  'attendance:checkIn',
  'votes:open',
  'votes:cast',
  'votes:close',
  'minutes:saveSection',
  'minutes:saveHeading',
  'minutes:submit',
  'minutes:approve',
  'minutes:return',
] as const satisfies readonly ClientRequestName[];
export type IdempotentRequestName = (typeof IDEMPOTENT_REQUESTS)[number];

export function isIdempotentRequest(name: string): name is IdempotentRequestName {
  return (IDEMPOTENT_REQUESTS as readonly string[]).includes(name);
}
