import { EventEmitter } from 'node:events';
import { SFU_NODE_TTL_MS, SfuNodeRecord, sfuNodeKeys } from '@ehop/protocol';
import type { Logger } from '../logger.js';
import type { RedisClient } from '../redis/client.js';
import { SfuClient, type SfuClientOptions } from './sfu-client.js';

/** An SFU node this signaling node knows, with its link to it. */
export interface SfuNode {
  id: string;
  client: SfuClient;
  /** What it last announced (a static node from SFU_URL announces nothing: unit null, no load). */
  record: SfuNodeRecord;
}

/** The id of the node given by SFU_URL (a lone SFU that does not announce itself). */
export const STATIC_NODE_ID = 'sfu';

/** How often the registry is read: a dead node is noticed within SFU_NODE_TTL_MS plus this. */
const POLL_MS = 1_000;

export interface SfuDirectoryOptions {
  /** SFU_URL: one node reached directly (null: only those found in the registry). */
  staticUrl: string | null;
  /** Read the registry in Redis (SFU_DISCOVERY=redis); off: the static node only. */
  discover: boolean;
  /** How to reach any node: the shared secret, timeouts, CA, this signaling node's id. */
  link: Omit<SfuClientOptions, 'url'>;
  /** Called for every new link before it connects: the events it must relay. */
  wire: (node: SfuNode) => void;
}

/**
 * The SFU nodes alive now: the one SFU_URL names, plus every node that announces itself in Redis
 * (sfu-server/src/cluster/node-announcer.ts). A node whose record expired is dropped (its link
 * closed, `nodeDown` emitted) and pruned from the registry's index; a new one gets a link.
 */
export class SfuDirectory extends EventEmitter<{ nodeUp: [SfuNode]; nodeDown: [SfuNode] }> {
  private readonly nodes = new Map<string, SfuNode>();
  /** Nodes that left the registry since this node started, and when: the administrators still see them, as down. */
  private readonly departed = new Map<string, { record: SfuNodeRecord; goneAt: number }>();
  private timer: NodeJS.Timeout | undefined;
  private readFailureReported = false;
  private refreshing = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: SfuDirectoryOptions,
    private readonly logger: Logger,
  ) {
    super();
  }

  /** Reads the registry once (so a meeting placed at once finds its node), then every POLL_MS. */
  async start(): Promise<void> {
    const { staticUrl } = this.options;
    if (staticUrl) this.add({ id: STATIC_NODE_ID, url: staticUrl, unitId: null, workers: 0, rooms: 0, peers: 0, updatedAt: Date.now() });
    if (!this.options.discover) return;
    await this.refresh();
    this.timer = setInterval(() => void this.refreshUnlessRunning(), POLL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    for (const node of this.nodes.values()) node.client.close();
    this.nodes.clear();
  }

  list(): SfuNode[] {
    return [...this.nodes.values()];
  }

  find(nodeId: string): SfuNode | undefined {
    return this.nodes.get(nodeId);
  }

  /** Nodes gone from the registry (and not back) since this signaling node started. */
  listDeparted(): { record: SfuNodeRecord; goneAt: number }[] {
    return [...this.departed.values()];
  }

  /** A slow Redis must not let two reads overlap: both would add the same new node. */
  private async refreshUnlessRunning(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      await this.refresh();
    } finally {
      this.refreshing = false;
    }
  }

  private async refresh(): Promise<void> {
    let records: SfuNodeRecord[];
    try {
      records = await this.readRegistry();
      this.readFailureReported = false;
    } catch (error) {
      // Redis away: keep the nodes we know (their links tell whether they are up) until it is back.
      if (!this.readFailureReported) this.logger.warn({ err: error }, 'cannot read the SFU node registry; keeping the known nodes');
      this.readFailureReported = true;
      return;
    }
    const alive = new Map(records.map((record) => [record.id, record]));
    for (const node of this.list()) {
      if (node.id === STATIC_NODE_ID) continue;
      const record = alive.get(node.id);
      if (!record) this.remove(node);
      else if (record.url !== node.record.url) {
        // Came back elsewhere: a new link to the new address.
        this.remove(node);
        this.add(record);
      } else node.record = record;
    }
    for (const record of alive.values()) if (!this.nodes.has(record.id)) this.add(record);
  }

  /** The live records; ids whose record expired are pruned from the index on the way. */
  private async readRegistry(): Promise<SfuNodeRecord[]> {
    const ids = await this.redis.sMembers(sfuNodeKeys.index());
    if (ids.length === 0) return [];
    const raw = await this.redis.mGet(ids.map((id) => sfuNodeKeys.node(id)));
    const records: SfuNodeRecord[] = [];
    const expired: string[] = [];
    raw.forEach((json, index) => {
      const parsed = json === null ? null : SfuNodeRecord.safeParse(JSON.parse(json));
      if (parsed?.success && parsed.data.id === ids[index]) records.push(parsed.data);
      else expired.push(ids[index]!);
    });
    if (expired.length > 0) await this.redis.sRem(sfuNodeKeys.index(), expired);
    // A record not renewed for twice its lifetime is stale even if Redis has not expired it yet.
    return records.filter((record) => Date.now() - record.updatedAt < 2 * SFU_NODE_TTL_MS);
  }

  private add(record: SfuNodeRecord): void {
    const client = new SfuClient({ ...this.options.link, url: record.url }, this.logger.child({ sfuNode: record.id }));
    const node: SfuNode = { id: record.id, client, record };
    this.nodes.set(node.id, node);
    this.departed.delete(node.id);
    this.options.wire(node);
    client.connect();
    this.logger.info({ sfuNode: node.id, url: record.url, unitId: record.unitId }, 'SFU node added');
    this.emit('nodeUp', node);
  }

  private remove(node: SfuNode): void {
    this.nodes.delete(node.id);
    this.departed.set(node.id, { record: node.record, goneAt: Date.now() });
    node.client.close();
    this.logger.warn({ sfuNode: node.id }, 'SFU node gone from the registry');
    this.emit('nodeDown', node);
  }
}
