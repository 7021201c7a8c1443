import { RequestError, type MediaServerStatus, type SfuEvent, type SfuEventName, type SfuRequest, type SfuRequestName, type SfuResponse } from '@ehop/protocol';
import type { Logger } from '../logger.js';
import type { RedisClient } from '../redis/client.js';
import type { SfuClientOptions } from './sfu-client.js';
import { SfuDirectory, type SfuNode } from './sfu-directory.js';
import { MeetingPlacements } from './meeting-placements.js';
import type { PlacementCandidate } from './placement-rule.js';

export interface SfuClusterOptions {
  /** SFU_URL: one node reached directly (null: only the nodes announced in Redis). */
  staticUrl: string | null;
  /** Also the nodes announced in Redis (SFU_DISCOVERY=redis). */
  discover: boolean;
  link: Omit<SfuClientOptions, 'url'>;
  /** A meeting's home unit and its ancestors, nearest first (see chooseSfuNode). */
  homeUnits: (meetingId: string) => Promise<string[]>;
}

// Listeners of differently typed events, kept in one list (each is only called with its own event).
type AnyListener = (event: any) => void;

/** Requests about one room (all but those asked of one node, `node:*`, sent through its client). */
export type RoomSfuRequestName = Exclude<SfuRequestName, `node:${string}`>;

/**
 * The seam that answers "which SFU node serves this meeting", and signaling's one way to the SFUs:
 * a request about a room goes to the node its meeting is placed on (MeetingPlacements); events
 * of every node reach the same listeners. When a node leaves the registry (it died), its
 * meetings hear `room:lost` as if their router had died, so their browsers rejoin, and their next
 * opening places them on a live node.
 */
export class SfuCluster {
  private readonly directory: SfuDirectory;
  private readonly placements: MeetingPlacements;
  private readonly listeners: { name: SfuEventName; listener: AnyListener }[] = [];
  private readonly connectListeners: ((node: SfuNode) => void)[] = [];
  private readonly disconnectListeners: ((node: SfuNode) => void)[] = [];

  constructor(
    redis: RedisClient,
    private readonly options: SfuClusterOptions,
    private readonly logger: Logger,
  ) {
    this.placements = new MeetingPlacements(redis);
    this.directory = new SfuDirectory(redis, { staticUrl: options.staticUrl, discover: options.discover, link: options.link, wire: (node) => this.wire(node) }, logger);
    this.directory.on('nodeDown', (node) => this.onNodeDown(node));
  }

  /** Some node is reachable. */
  get connected(): boolean {
    return this.directory.list().some((node) => node.client.connected);
  }

  /** The nodes known now, the state of this node's link to each, and what each carries (asked now). */
  async describe(): Promise<MediaServerStatus[]> {
    const live = await Promise.all(
      this.directory.list().map(async ({ id, record, client }) => ({
        id,
        unitId: record.unitId,
        connected: client.connected,
        load: client.connected ? await client.request('node:load', {}).catch(() => null) : null,
        goneSince: null,
      })),
    );
    const departed = this.directory.listDeparted().map(({ record, goneAt }) => ({ id: record.id, unitId: record.unitId, connected: false, load: null, goneSince: goneAt }));
    return [...live, ...departed].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Starts finding nodes and linking to them; call it once every listener is registered. */
  async connect(): Promise<void> {
    await this.directory.start();
  }

  close(): void {
    this.directory.stop();
  }

  /** Sends a request about a room to the node that carries the room's meeting. */
  async request<K extends RoomSfuRequestName>(name: K, payload: SfuRequest<K>): Promise<SfuResponse<K>> {
    // Every request of RoomSfuRequestName is scoped by roomId (the protocol's RoomScope).
    const node = await this.nodeOf((payload as { roomId: string }).roomId);
    return node.client.request(name, payload);
  }

  /** Whether this signaling node has the meeting on `node` (its sockets' media are there). */
  carries(node: SfuNode, meetingId: string): boolean {
    return this.placements.cached(meetingId) === node.id;
  }

  /** Listens to an event of every node, present and future. */
  on<K extends SfuEventName>(name: K, listener: (event: SfuEvent<K>) => void): void {
    this.listeners.push({ name, listener: listener as AnyListener });
    for (const node of this.directory.list()) node.client.on(name, listener);
  }

  /** A node's link is up (at first, and after every outage): requests to it are accepted. */
  onConnect(listener: (node: SfuNode) => void): void {
    this.connectListeners.push(listener);
    for (const node of this.directory.list()) node.client.onConnect(() => listener(node));
  }

  /** A node's link dropped (not when this node closes it). */
  onDisconnect(listener: (node: SfuNode) => void): void {
    this.disconnectListeners.push(listener);
    for (const node of this.directory.list()) node.client.onDisconnect(() => listener(node));
  }

  private async nodeOf(meetingId: string): Promise<SfuNode> {
    const cached = this.placements.cached(meetingId);
    const known = cached === undefined ? undefined : this.directory.find(cached);
    if (known) return known;
    const nodeId = await this.placements.place(meetingId, this.candidates(), () => this.options.homeUnits(meetingId));
    const placed = this.directory.find(nodeId);
    // It left the registry while the placement was stored: the next attempt places the meeting again.
    if (!placed) throw new RequestError('media_unavailable', 'The media server is not reachable');
    return placed;
  }

  private candidates(): PlacementCandidate[] {
    return this.directory.list().map(({ id, record }) => ({ id, unitId: record.unitId, peers: record.peers, rooms: record.rooms }));
  }

  private wire(node: SfuNode): void {
    for (const { name, listener } of this.listeners) node.client.on(name, listener);
    for (const listener of this.connectListeners) node.client.onConnect(() => listener(node));
    for (const listener of this.disconnectListeners) node.client.onDisconnect(() => listener(node));
  }

  private onNodeDown(node: SfuNode): void {
    const meetings = this.placements.meetingsOn(node.id);
    this.placements.forgetNode(node.id);
    if (meetings.length > 0) this.logger.warn({ sfuNode: node.id, meetings }, 'SFU node gone: its meetings move to a live node');
    const reason = `media server ${node.id} is gone`;
    for (const roomId of meetings) {
      for (const { name, listener } of this.listeners) {
        if (name === 'room:lost') listener({ roomId, reason } satisfies SfuEvent<'room:lost'>);
      }
    }
  }
}
