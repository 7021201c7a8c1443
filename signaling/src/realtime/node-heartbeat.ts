import type { Logger } from '../logger.js';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

const HEARTBEAT_INTERVAL_MS = 5_000;
/** Three missed beats: long enough for a GC pause, short enough that ghosts vanish quickly. */
const HEARTBEAT_TTL_MS = 3 * HEARTBEAT_INTERVAL_MS;

/**
 * Keeps `signaling-node:{id}:alive` set while this node runs. Presence entries written by a node
 * whose key has expired (the process crashed without cleaning up) are treated as gone.
 */
export class NodeHeartbeat {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly nodeId: string,
    private readonly redis: RedisClient,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch((error: unknown) => this.logger.warn({ err: error }, 'heartbeat failed')), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.del(keys.nodeAlive(this.nodeId));
  }

  private async beat(): Promise<void> {
    await this.redis.set(keys.nodeAlive(this.nodeId), String(Date.now()), {
      expiration: { type: 'PX', value: HEARTBEAT_TTL_MS },
    });
  }
}

/** Which of `nodeIds` are running now (their heartbeat key has not expired). */
export async function liveNodeIds(redis: RedisClient, nodeIds: Iterable<string>): Promise<Set<string>> {
  const ids = [...new Set(nodeIds)];
  if (ids.length === 0) return new Set();
  const beats = await redis.mGet(ids.map((id) => keys.nodeAlive(id)));
  return new Set(ids.filter((_id, index) => beats[index] !== null));
}
