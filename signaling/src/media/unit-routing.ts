import { MediaPolicy, RequestError, type SfuRequest, type SfuResponse } from '@ehop/protocol';
import type { Logger } from '../logger.js';
import type { RedisClient } from '../redis/client.js';
import { CascadeEvents, type CascadeEvent } from './cascade-events.js';
import { MeetingCascade } from './meeting-cascade.js';
import { choosePeerNode } from './peer-placement-rule.js';
import { PeerPlacements, type PlacedPeer } from './peer-placements.js';
import type { PlacementCandidate } from './placement-rule.js';
import type { RoomSfuRequestName } from './room-requests.js';
import type { SfuNode } from './sfu-directory.js';

export interface UnitRoutingDeps {
  /** The meeting's home node (MeetingPlacements), placing it if needed. */
  homeOf: (roomId: string) => Promise<SfuNode>;
  /** A live node by id. */
  find: (nodeId: string) => SfuNode | undefined;
  candidates: () => PlacementCandidate[];
  /** A user's unit and its ancestors, nearest first. */
  userUnits: (userId: string) => Promise<string[]>;
}

/** Sent to every node carrying the meeting: a node must know the floor's rules before its peers publish. */
const TO_EVERY_NODE = new Set<string>(['room:setPolicy', 'room:setMicrophones', 'room:close']);

/**
 * SFU_PEER_PLACEMENT=unit: requests routed per peer. A request naming a peer goes to the peer's
 * node (chosen when it opens: choosePeerNode); the floor's rules, the chair's mute and closing go
 * to every node carrying the meeting; readings (stats, traffic, network quality) are merged over
 * them; the rest (opening, capabilities, recorder) is the home node's. What passes is told to the cascade, which
 * links the nodes.
 */
export class UnitRouting {
  private readonly placements: PeerPlacements;
  readonly cascade: MeetingCascade;
  /** What the cascade learns goes through every signaling node's cascade (this one's included). */
  private readonly events: CascadeEvents;

  constructor(
    redis: RedisClient,
    private readonly deps: UnitRoutingDeps,
    logger: Logger,
  ) {
    this.placements = new PeerPlacements(redis);
    this.cascade = new MeetingCascade((nodeId, name, payload, expected) => this.nodeById(nodeId).client.request(name, payload, expected), logger);
    this.events = new CascadeEvents(redis, this.cascade, logger);
  }

  /** Hears the other signaling nodes' changes from now on. */
  start(): Promise<void> {
    return this.events.start();
  }

  stop(): Promise<void> {
    return this.events.stop();
  }

  private tell(event: CascadeEvent): Promise<void> {
    return this.events.publish(event);
  }

  /** The node a peer of this signaling node is on (undefined: not placed here). */
  nodeOfPeer(peerId: string): string | undefined {
    return this.placements.nodeOf(peerId);
  }

  async request<K extends RoomSfuRequestName>(name: K, payload: SfuRequest<K>): Promise<SfuResponse<K>> {
    const { roomId, peerId } = payload as { roomId: string; peerId?: string };
    if (name === 'peer:open') return (await this.openPeer(payload as SfuRequest<'peer:open'>)) as SfuResponse<K>;
    if (peerId !== undefined) return this.peerRequest(name, payload, roomId, peerId);
    if (TO_EVERY_NODE.has(name)) return this.everyNode(name, payload, roomId);
    if (name === 'room:stats' || name === 'room:traffic' || name === 'room:networkQuality') return this.merged(name, payload, roomId);
    return (await this.deps.homeOf(roomId)).client.request(name, payload);
  }

  /** A node is gone: this signaling node's peers on it, to be restarted (they rejoin elsewhere). */
  nodeDown(nodeId: string): PlacedPeer[] {
    this.cascade.nodeDown(nodeId);
    return this.placements.takePeersOn(nodeId);
  }

  private async openPeer(payload: SfuRequest<'peer:open'>): Promise<SfuResponse<'peer:open'>> {
    const { roomId, peerId, userId } = payload;
    const home = await this.deps.homeOf(roomId);
    const units = userId ? await this.deps.userUnits(userId) : [];
    // A node this signaling node cannot reach now is no choice (the peer would fail to open there).
    const reachable = this.deps.candidates().filter((candidate) => this.deps.find(candidate.id)?.client.connected);
    const nodeId = choosePeerNode(reachable, units, home.id);
    const node = this.nodeById(nodeId);
    if (node !== home) await this.prepareRoom(node, roomId);
    await this.placements.place({ roomId, peerId, userId: userId ?? null, nodeId });
    const opened = await node.client.request('peer:open', payload);
    await this.tell({ type: 'peerPlaced', roomId, homeNodeId: home.id, peerId, userId: userId ?? peerId, nodeId });
    return opened;
  }

  /** A far node's room, open and with the floor's rules before the peer can publish there. */
  private async prepareRoom(node: SfuNode, roomId: string): Promise<void> {
    await node.client.request('room:open', { roomId });
    const policy = this.cascade.policyOf(roomId);
    if (policy) await node.client.request('room:setPolicy', { roomId, policy });
  }

  private async peerRequest<K extends RoomSfuRequestName>(name: K, payload: SfuRequest<K>, roomId: string, peerId: string): Promise<SfuResponse<K>> {
    const placed = this.placements.nodeOf(peerId);
    const node = placed === undefined ? await this.deps.homeOf(roomId) : this.nodeById(placed);
    const answer = await node.client.request(name, payload);
    const change = cascadeChangeOf(name, payload, answer, roomId, peerId);
    if (name === 'peer:close') this.placements.forget(peerId);
    // The cascade is told in the background: the peer's answer does not wait for Redis.
    if (change) this.tell(change).catch(() => undefined);
    return answer;
  }

  /** Every live node with peers of the meeting; the home node's answer (a node without the room yet is skipped). */
  private async everyNode<K extends RoomSfuRequestName>(name: K, payload: SfuRequest<K>, roomId: string): Promise<SfuResponse<K>> {
    const home = await this.deps.homeOf(roomId);
    if (name === 'room:setPolicy') await this.tell({ type: 'policySet', roomId, policy: MediaPolicy.parse((payload as SfuRequest<'room:setPolicy'>).policy) });
    if (name === 'room:close') await this.tell({ type: 'meetingClosed', roomId });
    const others = (await this.farNodes(roomId, home)).map((node) => node.client.request(name, payload).catch(() => undefined));
    const [answer, ...far] = await Promise.all([home.client.request(name, payload), ...others]);
    // The chair's mute counts the microphones paused on every node; the policy's `applied` is the home node's.
    return name === 'room:setMicrophones' ? far.reduce<SfuResponse<K>>((sum, one) => (one ? mergeAnswers(sum, one) : sum), answer) : answer;
  }

  /** Counts summed, and every node's peers listed, over the meeting's nodes (a node that cannot answer is left out). */
  private async merged<K extends RoomSfuRequestName>(name: K, payload: SfuRequest<K>, roomId: string): Promise<SfuResponse<K>> {
    const home = await this.deps.homeOf(roomId);
    const far = await Promise.all((await this.farNodes(roomId, home)).map((node) => node.client.request(name, payload).catch(() => null)));
    const total = await home.client.request(name, payload);
    return far.reduce<SfuResponse<K>>((sum, answer) => (answer ? mergeAnswers(sum, answer) : sum), total);
  }

  private async farNodes(roomId: string, home: SfuNode): Promise<SfuNode[]> {
    const ids = await this.placements.nodesOf(roomId);
    return ids.filter((id) => id !== home.id).flatMap((id) => this.deps.find(id) ?? []);
  }

  private nodeById(nodeId: string): SfuNode {
    const node = this.deps.find(nodeId);
    // It left the registry since the peer was placed: the peer restarts and is placed again.
    if (!node) throw new RequestError('media_unavailable', 'The media server is not reachable');
    return node;
  }
}

/** What the cascade must know of a peer's request that succeeded (nothing for most). */
function cascadeChangeOf(name: string, payload: unknown, answer: unknown, roomId: string, peerId: string): CascadeEvent | null {
  switch (name) {
    case 'producer:create':
      return { type: 'trackPublished', roomId, peerId, producerId: (answer as SfuResponse<'producer:create'>).producerId, source: (payload as SfuRequest<'producer:create'>).source };
    case 'producer:close':
      return { type: 'trackClosed', roomId, producerId: (payload as SfuRequest<'producer:close'>).producerId };
    case 'peer:setView':
      return { type: 'viewSet', roomId, peerId, thumbnails: (payload as SfuRequest<'peer:setView'>).thumbnails };
    case 'peer:close':
      return { type: 'peerClosed', roomId, peerId };
    default:
      return null;
  }
}

/** Two nodes' answers to the same room-wide reading: numbers added, lists joined. */
function mergeAnswers<T>(a: T, b: T): T {
  const merged: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [key, value] of Object.entries(b as Record<string, unknown>)) {
    const mine = merged[key];
    if (typeof mine === 'number' && typeof value === 'number') merged[key] = mine + value;
    else if (Array.isArray(mine) && Array.isArray(value)) merged[key] = [...mine, ...value];
  }
  return merged as T;
}
