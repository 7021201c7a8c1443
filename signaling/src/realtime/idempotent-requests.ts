import { fail, IDEMPOTENCY_KEY_FIELD, IdempotencyKey, invalidPayload, isIdempotentRequest, type Ack } from '@ehop/protocol';
import type { Logger } from '../logger.js';
import type { IdempotencyStore } from '../redis/idempotency-store.js';
import { isStorageFailure, storageUnavailable } from '../redis/storage-failure.js';

export type RunRequest = (payload: unknown) => Promise<Ack<unknown>>;

/**
 * A retryable write (protocol/src/idempotency.ts) carrying an `idempotencyKey` runs at most once
 * per user and key: a retry gets the first attempt's answer, whichever node it reaches. Other
 * requests, and writes sent without a key, just run.
 *
 * When the attempt itself could not reach storage its outcome is unknown to this node (a write
 * may have landed just before the connection dropped), so no answer is recorded: the claim
 * expires and a later retry runs the write again, where its own checks (one ballot per voter,
 * compare-and-set on versions) refuse a second application.
 */
export async function runOnce(
  store: IdempotencyStore,
  userId: string,
  name: string,
  rawPayload: unknown,
  run: RunRequest,
  logger: Logger,
): Promise<Ack<unknown>> {
  if (!isIdempotentRequest(name) || !carriesKey(rawPayload)) return run(rawPayload);
  const { [IDEMPOTENCY_KEY_FIELD]: rawKey, ...payload } = rawPayload;
  const key = IdempotencyKey.safeParse(rawKey);
  if (!key.success) return invalidPayload(key.error);
  try {
    const claim = await store.claim(userId, key.data, name);
    if (claim !== true) return earlierAnswer(claim);
  } catch (error) {
    if (isStorageFailure(error)) return fail('storage_unavailable', storageUnavailable().message);
    throw error;
  }
  const ack = await run(payload);
  if (!ack.ok && ack.error.code === 'storage_unavailable') return ack;
  await store.answer(userId, key.data, name, ack).catch((error: unknown) => {
    // The write is done and its caller hears so; only a retry of it would run again (and be refused by its own checks).
    logger.warn({ err: error, request: name }, 'could not record the answer of an idempotent request');
  });
  return ack;
}

function carriesKey(payload: unknown): payload is Record<string, unknown> {
  return typeof payload === 'object' && payload !== null && IDEMPOTENCY_KEY_FIELD in payload;
}

function earlierAnswer(earlier: Exclude<Awaited<ReturnType<IdempotencyStore['claim']>>, true>): Ack<unknown> {
  switch (earlier.state) {
    case 'answered':
      return earlier.answer as Ack<unknown>;
    case 'running':
      return fail('storage_unavailable', 'An earlier attempt of this request is still being processed; try again in a moment');
    case 'other_request':
      return fail('invalid_payload', 'This idempotency key was used for another request', [
        { path: IDEMPOTENCY_KEY_FIELD, message: 'used for another request' },
      ]);
  }
}
