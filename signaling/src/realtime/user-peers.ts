import { RequestError } from '@ehop/protocol';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';
import { liveNodeIds } from './node-heartbeat.js';

const ADD_IF_ROOM = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HLEN', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
return 0
`;

/**
 * A user's peers (devices, tabs in a meeting's media) on every signaling node, at most `maxPerUser`
 * at once: every peer costs SFU transports and ports, so one account must not open hundreds.
 * Entries of a node that crashed (its heartbeat expired) are pruned before counting.
 */
export class UserPeers {
  constructor(
    private readonly redis: RedisClient,
    private readonly maxPerUser: number,
  ) {}

  /** Counts `peerId` as the user's, or refuses with `limit_reached` when they have enough. */
  async claim(userId: string, peerId: string, nodeId: string): Promise<void> {
    await this.pruneDeadNodes(userId);
    const added = await this.redis.eval(ADD_IF_ROOM, { keys: [keys.userPeers(userId)], arguments: [peerId, nodeId, String(this.maxPerUser)] });
    if (added !== 1) {
      throw new RequestError('limit_reached', `You are already connected from ${this.maxPerUser} devices; leave the meeting on one of them first`);
    }
  }

  async release(userId: string, peerId: string): Promise<void> {
    await this.redis.hDel(keys.userPeers(userId), peerId);
  }

  private async pruneDeadNodes(userId: string): Promise<void> {
    const entries = await this.redis.hGetAll(keys.userPeers(userId));
    const live = await liveNodeIds(this.redis, Object.values(entries));
    const stale = Object.entries(entries).filter(([, nodeId]) => !live.has(nodeId)).map(([peerId]) => peerId);
    if (stale.length > 0) await this.redis.hDel(keys.userPeers(userId), stale);
  }
}
