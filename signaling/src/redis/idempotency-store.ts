import { z } from 'zod';
import type { RedisClient } from './client.js';
import { keys } from './keys.js';

/** How long an attempt may run before a retry with its key may run it again (its node died). */
const ATTEMPT_MS = 30_000;
/** How long an answer is kept for retries: far beyond a client's retries of one action. */
const ANSWER_MS = 10 * 60_000;

const StoredAttempt = z.object({ request: z.string(), answer: z.unknown().optional() });

export type EarlierAttempt =
  | { state: 'answered'; answer: unknown }
  | { state: 'running' }
  /** The key was first used for another request: a client bug, refused. */
  | { state: 'other_request' };

/**
 * One record per (user, key) in Redis, so every signaling node sees the same attempts: `claim`
 * before running a write, `answer` after. Redis' SET NX makes the claim atomic across nodes.
 */
export class IdempotencyStore {
  constructor(private readonly redis: RedisClient) {}

  /** True when this call may run the request; otherwise what the earlier attempt left. */
  async claim(userId: string, key: string, request: string): Promise<true | EarlierAttempt> {
    const name = keys.idempotency(userId, key);
    const claimed = await this.redis.set(name, JSON.stringify({ request }), {
      condition: 'NX',
      expiration: { type: 'PX', value: ATTEMPT_MS },
    });
    if (claimed === 'OK') return true;
    const stored = await this.redis.get(name);
    // Expired between the two commands: the earlier attempt is over without an answer; run again.
    if (stored === null) return this.claim(userId, key, request);
    const earlier = StoredAttempt.parse(JSON.parse(stored));
    if (earlier.request !== request) return { state: 'other_request' };
    return 'answer' in earlier ? { state: 'answered', answer: earlier.answer } : { state: 'running' };
  }

  async answer(userId: string, key: string, request: string, answer: unknown): Promise<void> {
    await this.redis.set(keys.idempotency(userId, key), JSON.stringify({ request, answer }), {
      expiration: { type: 'PX', value: ANSWER_MS },
    });
  }
}
