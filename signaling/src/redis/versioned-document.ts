import type { z } from 'zod';
import type { RedisClient } from './client.js';

/**
 * Writes `state` and `version` = ARGV[1] + 1 only if the stored version is still ARGV[1]
 * (a missing record counts as version 0). Atomic in Redis, so it holds across signaling nodes.
 */
const COMPARE_AND_SET = `
local stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if stored ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'version', tostring(stored + 1), 'state', ARGV[2])
return 1
`;

export interface Versioned<T> {
  version: number;
  value: T;
}

/**
 * A JSON document in a Redis hash (`version`, `state`) changed only by compare-and-set: a writer
 * that read version n can write n + 1 only if nobody wrote in between. Callers decide what a lost
 * race means: a stale request is refused, a server-side update simply reads again and retries.
 */
export class VersionedDocument<T> {
  constructor(
    private readonly redis: RedisClient,
    private readonly schema: z.ZodType<T>,
  ) {}

  /** The stored document, or null with version 0 when there is none yet. */
  async read(key: string): Promise<Versioned<T | null>> {
    const fields = await this.redis.hGetAll(key);
    if (!fields.state) return { version: 0, value: null };
    return { version: Number(fields.version), value: this.schema.parse(JSON.parse(fields.state)) };
  }

  /** Stores `value` as version `expectedVersion + 1`; false when someone else wrote first. */
  async compareAndSet(key: string, expectedVersion: number, value: T): Promise<boolean> {
    const written = await this.redis.eval(COMPARE_AND_SET, {
      keys: [key],
      arguments: [String(expectedVersion), JSON.stringify(this.schema.parse(value))],
    });
    return written === 1;
  }
}
