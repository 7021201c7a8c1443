import { createClient } from 'redis';
import { SFU_NODE_TTL_MS, sfuNodeKeys, type SfuNodeRecord } from '@ehop/protocol';
import type { Logger } from '../logger.js';

export interface NodeAnnouncement {
  redisUrl: string;
  nodeId: string;
  url: string;
  unitId: string | null;
  /** Read at every renewal: what the node carries now. */
  load: () => { workers: number; rooms: number; peers: number };
}

/**
 * Keeps this SFU node's record in Redis alive, so that signaling finds it (and its load) there.
 * The record expires SFU_NODE_TTL_MS after the last renewal: a node that dies or loses Redis
 * disappears by itself; stopping removes it at once. Redis being away is not fatal here: the node
 * keeps serving the meetings it has and announces itself again when Redis is back.
 */
export class NodeAnnouncer {
  private readonly redis: ReturnType<typeof createClient>;
  private timer: NodeJS.Timeout | undefined;
  private outageReported = false;

  constructor(
    private readonly announcement: NodeAnnouncement,
    private readonly log: Logger,
  ) {
    // No offline queue: a renewal Redis did not take is simply replaced by the next one.
    this.redis = createClient({ url: announcement.redisUrl, disableOfflineQueue: true });
    this.redis.on('error', (error: unknown) => this.reportOutage(error));
  }

  async start(): Promise<void> {
    await this.redis.connect();
    await this.renew();
    this.timer = setInterval(() => void this.renew(), SFU_NODE_TTL_MS / 3);
    this.log.info({ nodeId: this.announcement.nodeId, url: this.announcement.url, unitId: this.announcement.unitId }, 'announced in the SFU node registry');
  }

  /** Leaves the registry at once (signaling stops sending new meetings here). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const { nodeId } = this.announcement;
    if (this.redis.isReady) {
      await this.redis.multi().del(sfuNodeKeys.node(nodeId)).sRem(sfuNodeKeys.index(), nodeId).exec().catch(() => undefined);
      await this.redis.quit();
    } else if (this.redis.isOpen) this.redis.destroy();
  }

  private async renew(): Promise<void> {
    const { nodeId, url, unitId, load } = this.announcement;
    const record: SfuNodeRecord = { id: nodeId, url, unitId, ...load(), updatedAt: Date.now() };
    try {
      await this.redis
        .multi()
        .set(sfuNodeKeys.node(nodeId), JSON.stringify(record), { expiration: { type: 'PX', value: SFU_NODE_TTL_MS } })
        .sAdd(sfuNodeKeys.index(), nodeId)
        .exec();
      if (this.outageReported) this.log.info('SFU node registry reachable again');
      this.outageReported = false;
    } catch (error) {
      this.reportOutage(error);
    }
  }

  private reportOutage(error: unknown): void {
    if (!this.outageReported) this.log.warn({ err: error }, 'cannot renew this node in the SFU node registry; retrying');
    this.outageReported = true;
  }
}
