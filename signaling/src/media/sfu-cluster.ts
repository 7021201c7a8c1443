import { RequestError, type MediaServerStatus, type SfuEvent, type SfuEventName, type SfuRequest, type SfuResponse } from '@ehop/protocol';
import type { Logger } from '../logger.js';
import type { RedisClient } from '../redis/client.js';
import type { SfuClientOptions } from './sfu-client.js';
import { SfuDirectory, type SfuNode } from './sfu-directory.js';
import { MeetingPlacements } from './meeting-placements.js';
import type { PlacementCandidate } from './placement-rule.js';
import type { RoomSfuRequestName } from './room-requests.js';
import { UnitRouting } from './unit-routing.js';

export type { RoomSfuRequestName } from './room-requests.js';

export interface SfuClusterOptions {
  /** SFU_URL: one node reached directly (null: only the nodes announced in Redis). */
  staticUrl: string | null;
  /** Also the nodes announced in Redis (SFU_DISCOVERY=redis). */
  discover: boolean;
  link: Omit<SfuClientOptions, 'url'>;
  /** A meeting's home unit and its ancestors, nearest first (see chooseSfuNode). */
  homeUnits: (meetingId: string) => Promise<string[]>;
  /** SFU_PEER_PLACEMENT: `meeting` (every peer on the meeting's node) or `unit` (each on its unit's node, nodes linked). */
  peerPlacement: 'meeting' | 'unit';
  /** A user's unit and its ancestors, nearest first (read with `unit` only). */
  userUnits: (userId: string) => Promise<string[]>;
}

/** Some of a meeting's peers lost their node (SFU_PEER_PLACEMENT=unit): they restart and rejoin elsewhere. */
export interface PeersLost {
  roomId: string;
  peerIds: string[];
  reason: string;
}

// Listeners of differently typed events, kept in one list (each is only called with its own event).
type AnyListener = (event: any, node: SfuNode) => void;

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
  private readonly peersLostListeners: ((lost: PeersLost) => void)[] = [];
  /** SFU_PEER_PLACEMENT=unit only. */
  private readonly unitRouting: UnitRouting | null;

  constructor(
    redis: RedisClient,
    private readonly options: SfuClusterOptions,
    private readonly logger: Logger,
  ) {
    this.placements = new MeetingPlacements(redis);
    this.directory = new SfuDirectory(redis, { staticUrl: options.staticUrl, discover: options.discover, link: options.link, wire: (node) => this.wire(node) }, logger);
    this.directory.on('nodeDown', (node) => this.onNodeDown(node));
    this.unitRouting = options.peerPlacement === 'unit' ? this.routeByUnit(redis, logger) : null;
  }

  private routeByUnit(redis: RedisClient, logger: Logger): UnitRouting {
    const routing = new UnitRouting(
      redis,
      { homeOf: (roomId) => this.nodeOf(roomId), find: (nodeId) => this.directory.find(nodeId), candidates: () => this.candidates(), userUnits: this.options.userUnits },
      logger,
    );
    // The links' own events: each goes to the other end of its link.
    this.on('link:trackState', (event) => void routing.cascade.relayTrackState(event));
    this.on('link:sendLayers', (event) => void routing.cascade.relaySendLayers(event));
    this.on('room:lost', ({ roomId }) => routing.cascade.roomLost(roomId));
    this.onConnect((node) => routing.cascade.nodeReconnected(node.id));
    return routing;
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
    await this.unitRouting?.start();
    await this.directory.start();
  }

  close(): void {
    this.directory.stop();
    this.unitRouting?.stop().catch((error: unknown) => this.logger.warn({ err: error }, 'could not stop hearing cascade changes'));
  }

  /** Sends a request about a room to the node that carries the room's meeting (or, by unit, the peer's node). */
  async request<K extends RoomSfuRequestName>(name: K, payload: SfuRequest<K>): Promise<SfuResponse<K>> {
    if (this.unitRouting) return this.unitRouting.request(name, payload);
    // Every request of RoomSfuRequestName is scoped by roomId (the protocol's RoomScope).
    const node = await this.nodeOf((payload as { roomId: string }).roomId);
    return node.client.request(name, payload);
  }

  /** Whether this signaling node has the meeting's peer on `node` (that socket's media is there). */
  carries(node: SfuNode, meetingId: string, peerId: string): boolean {
    const placed = this.unitRouting?.nodeOfPeer(peerId);
    return (placed ?? this.placements.cached(meetingId)) === node.id;
  }

  /** Peers whose node died while their meeting's node lives (SFU_PEER_PLACEMENT=unit). */
  onPeersLost(listener: (lost: PeersLost) => void): void {
    this.peersLostListeners.push(listener);
  }

  /** Listens to an event of every node, present and future (with the node it came from). */
  on<K extends SfuEventName>(name: K, listener: (event: SfuEvent<K>, node: SfuNode) => void): void {
    this.listeners.push({ name, listener: listener as AnyListener });
    for (const node of this.directory.list()) node.client.on(name, (event) => listener(event, node));
  }

  /** SFU_PEER_PLACEMENT=unit: a meeting's peers may be on several nodes, each with its own main-screen feed. */
  get placesPeersByUnit(): boolean {
    return this.unitRouting !== null;
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
    for (const { name, listener } of this.listeners) node.client.on(name, (event) => listener(event, node));
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
        if (name === 'room:lost') listener({ roomId, reason } satisfies SfuEvent<'room:lost'>, node);
      }
    }
    if (this.unitRouting) this.tellPeersLost(this.unitRouting.nodeDown(node.id), new Set(meetings), reason);
  }

  /** The peers of a dead far node restart (those of a meeting whose home died heard room:lost already). */
  private tellPeersLost(peers: { roomId: string; peerId: string }[], restarted: ReadonlySet<string>, reason: string): void {
    const byRoom = new Map<string, string[]>();
    for (const { roomId, peerId } of peers) if (!restarted.has(roomId)) byRoom.set(roomId, [...(byRoom.get(roomId) ?? []), peerId]);
    for (const [roomId, peerIds] of byRoom) {
      this.logger.warn({ roomId, peers: peerIds.length, reason }, "SFU node gone: its peers rejoin on another node");
      for (const listener of this.peersLostListeners) listener({ roomId, peerIds, reason });
    }
  }
}
