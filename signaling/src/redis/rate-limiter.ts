import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateWindow } from '../config.js';
import type { RedisClient } from './client.js';
import { keys } from './keys.js';

/**
 * A fixed-window counter shared by every signaling node through Redis (rate-limiter-flexible),
 * so a limit holds however a client spreads its requests over the nodes. While Redis is
 * unreachable each node counts in its own memory instead (the insurance limiter): the limit then
 * holds per node, never not at all.
 */
export function sharedRateLimiter(
  redis: RedisClient,
  name: string,
  window: RateWindow,
  { blockInMemory = true }: { blockInMemory?: boolean } = {},
): RateLimiterRedis {
  const options = { points: window.points, duration: window.durationSec };
  return new RateLimiterRedis({
    ...options,
    storeClient: redis,
    useRedisPackage: true,
    // node-redis queues commands while disconnected: fail at once and count in memory instead.
    rejectIfRedisNotReady: true,
    keyPrefix: keys.rateLimit(name),
    // A key over its limit is refused from memory until its window ends: a flood costs Redis nothing.
    // (Not for keys whose block is later shortened or lengthened in Redis, as a lockout is.)
    ...(blockInMemory ? { inMemoryBlockOnConsumed: window.points + 1 } : {}),
    insuranceLimiter: new RateLimiterMemory({ ...options, keyPrefix: keys.rateLimit(name) }),
  });
}

/** How long (ms) until `key` may go on; 0 when this event is allowed (and counted). */
export async function consumeOrWait(limiter: RateLimiterMemory | RateLimiterRedis, key: string): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) return Math.max(1, refusal.msBeforeNext);
    throw refusal;
  }
}
