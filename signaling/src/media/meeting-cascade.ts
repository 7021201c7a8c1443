import { createHash } from 'node:crypto';
import type { ErrorCode, LinkTrackState, MediaPolicy, MediaSource, SfuEvent, SfuRequest, SfuRequestName, SfuResponse } from '@ehop/protocol';
import type { Logger } from '../logger.js';
import { planTransfers, type PublishedTrack } from './link-plan.js';

/** A request to one given SFU node (not routed by meeting or peer); `expected`: refusals thrown as such (SfuClient.request). */
export type NodeRequest = <K extends SfuRequestName>(nodeId: string, name: K, payload: SfuRequest<K>, expected?: readonly ErrorCode[]) => Promise<SfuResponse<K>>;

/** One meeting spread over several nodes, as this signaling node drives it. */
interface SpreadMeeting {
  homeNodeId: string;
  peers: Map<string, { nodeId: string; userId: string }>;
  tracks: Map<string, PublishedTrack>;
  policy: MediaPolicy | null;
  views: Map<string, readonly string[]>;
  /** Per far node, its link to the home node (its id once both ends are connected). */
  links: Map<string, Promise<string>>;
  /** Transfers done: `producerId|from|to`. */
  sent: Set<string>;
  /** Syncs run one at a time, in order. */
  tail: Promise<void>;
}

/** Which way a track crosses a link: where its `link:trackState` goes, and where `link:sendLayers` goes back to. */
interface Crossing {
  roomId: string;
  from: string;
  to: string;
}

/**
 * Links between the SFU nodes of a meeting (SFU_PEER_PLACEMENT=unit), driven from what passes
 * through SfuCluster: peers placed, tracks published and closed, the policy, thumbnail views.
 * Links form a star around the meeting's home node (one per far node with peers), opened when the
 * first peer lands on a far node; after every change the tracks each node needs (planTransfers)
 * are sent over the links that do not carry them yet, once per link. Tracks no longer needed stay
 * (a link:close is the only way to drop them, and it drops them all): the next speaker switching
 * back costs nothing, and the far node's subscription policy forwards them to nobody meanwhile.
 *
 * Known to this signaling node only: the tracks and views of peers opened through it, the policies
 * sent through it.
 */
export class MeetingCascade {
  private readonly meetings = new Map<string, SpreadMeeting>();
  private readonly crossings = new Map<string, Crossing>();
  /** Track changes that arrived before the far node had the track (`not_found`): sent again after `link:receive`. */
  private readonly pendingStates = new Map<string, LinkTrackState>();
  /** Link ends of a forgotten meeting being closed: its next links wait for that. */
  private readonly closing = new Map<string, Promise<void>>();

  constructor(
    private readonly send: NodeRequest,
    private readonly logger: Logger,
  ) {}

  peerPlaced(roomId: string, homeNodeId: string, peerId: string, userId: string, nodeId: string): void {
    const meeting = this.meeting(roomId, homeNodeId);
    meeting.peers.set(peerId, { nodeId, userId });
    this.sync(roomId);
  }

  peerClosed(roomId: string, peerId: string): void {
    const meeting = this.meetings.get(roomId);
    if (!meeting) return;
    meeting.peers.delete(peerId);
    meeting.views.delete(peerId);
    for (const [producerId, track] of meeting.tracks) if (track.peerId === peerId) meeting.tracks.delete(producerId);
  }

  trackPublished(roomId: string, peerId: string, producerId: string, source: MediaSource): void {
    const meeting = this.meetings.get(roomId);
    const peer = meeting?.peers.get(peerId);
    if (!meeting || !peer) return;
    meeting.tracks.set(producerId, { producerId, peerId, source, userId: peer.userId, nodeId: peer.nodeId });
    this.sync(roomId);
  }

  trackClosed(roomId: string, producerId: string): void {
    this.meetings.get(roomId)?.tracks.delete(producerId);
  }

  policySet(roomId: string, policy: MediaPolicy): void {
    const meeting = this.meetings.get(roomId);
    if (!meeting || (meeting.policy && meeting.policy.version > policy.version)) return;
    meeting.policy = policy;
    this.sync(roomId);
  }

  /** The latest policy seen for the meeting (a node that joins the meeting gets it before its peers publish). */
  policyOf(roomId: string): MediaPolicy | null {
    return this.meetings.get(roomId)?.policy ?? null;
  }

  viewSet(roomId: string, peerId: string, thumbnails: readonly string[]): void {
    const meeting = this.meetings.get(roomId);
    if (!meeting) return;
    meeting.views.set(peerId, thumbnails);
    this.sync(roomId);
  }

  /** The meeting's media ended: its links go with its rooms. */
  meetingClosed(roomId: string): void {
    this.meetings.delete(roomId);
    this.closing.delete(roomId);
  }

  /**
   * A node died. Meetings it was home of are dropped whole (their peers restart and rebuild it
   * around a new home); the others forget its link, its peers and its tracks, and close the home
   * node's end of that link (its id is reused if the node comes back).
   */
  nodeDown(nodeId: string): void {
    for (const [roomId, meeting] of [...this.meetings]) {
      if (meeting.homeNodeId === nodeId) this.reset(roomId);
      else this.forgetNode(roomId, meeting, nodeId);
    }
  }

  /**
   * A node lost its room of the meeting (its worker died): every peer of the meeting restarts
   * (room:lost reaches them all), so the meeting's links are rebuilt from scratch.
   */
  roomLost(roomId: string): void {
    this.reset(roomId);
  }

  /**
   * This signaling node's connection to a node is up again. The node may have restarted within its
   * registry record's lifetime (so nodeDown never came) and lost its rooms and their links, or kept
   * them: either way its links are closed at both ends and built again with what they carried.
   */
  nodeReconnected(nodeId: string): void {
    for (const [roomId, meeting] of this.meetings) {
      const far = meeting.homeNodeId === nodeId ? [...meeting.links.keys()] : meeting.links.has(nodeId) ? [nodeId] : [];
      if (far.length === 0) continue;
      for (const farNodeId of far) {
        const link = meeting.links.get(farNodeId)!;
        meeting.links.delete(farNodeId);
        for (const key of meeting.sent) if (key.endsWith(`|${farNodeId}`) || key.includes(`|${farNodeId}|`)) meeting.sent.delete(key);
        meeting.tail = meeting.tail.then(() => Promise.all([this.closeEnd(farNodeId, roomId, link), this.closeEnd(meeting.homeNodeId, roomId, link)])).then(() => undefined);
      }
      this.sync(roomId);
    }
  }

  private forgetNode(roomId: string, meeting: SpreadMeeting, nodeId: string): void {
    const link = meeting.links.get(nodeId);
    meeting.links.delete(nodeId);
    for (const [peerId, peer] of meeting.peers) if (peer.nodeId === nodeId) meeting.peers.delete(peerId);
    for (const [producerId, track] of meeting.tracks) if (track.nodeId === nodeId) meeting.tracks.delete(producerId);
    for (const key of meeting.sent) if (key.endsWith(`|${nodeId}`) || key.includes(`|${nodeId}|`)) meeting.sent.delete(key);
    if (link) meeting.tail = meeting.tail.then(() => this.closeEnd(meeting.homeNodeId, roomId, link));
  }

  /** Forgets the meeting, closing the ends of its links that live on (before any new link of it opens). */
  private reset(roomId: string): void {
    const meeting = this.meetings.get(roomId);
    if (!meeting) return;
    this.meetings.delete(roomId);
    const ends = [...meeting.links].flatMap(([far, link]) => [this.closeEnd(far, roomId, link), this.closeEnd(meeting.homeNodeId, roomId, link)]);
    this.closing.set(roomId, meeting.tail.then(() => Promise.all(ends)).then(() => undefined));
  }

  /** The origin node paused, resumed or closed a track it sends over a link: the far node hears it. */
  async relayTrackState(event: SfuEvent<'link:trackState'>): Promise<void> {
    const key = crossingKey(event.linkId, event.producerId);
    const crossing = this.crossings.get(key);
    if (!crossing) {
      this.pendingStates.set(key, event.state);
      return;
    }
    if (event.state === 'closed') this.crossings.delete(key);
    try {
      await this.send(crossing.to, 'link:trackState', event);
    } catch (error) {
      if ((error as { code?: string }).code === 'not_found') this.pendingStates.set(key, event.state);
      else this.logger.warn({ err: error, ...event }, 'could not relay a track change over a link');
    }
  }

  /** The far node's receivers want other simulcast layers of a camera: its origin hears it. */
  async relaySendLayers(event: SfuEvent<'link:sendLayers'>): Promise<void> {
    const crossing = this.crossings.get(crossingKey(event.linkId, event.producerId));
    if (!crossing) return;
    await this.send(crossing.from, 'link:sendLayers', event).catch((error: unknown) => this.logger.warn({ err: error, ...event }, 'could not relay the layers a link wants'));
  }

  private meeting(roomId: string, homeNodeId: string): SpreadMeeting {
    const known = this.meetings.get(roomId);
    if (known?.homeNodeId === homeNodeId) return known;
    // A new home (the old one died and the meeting was placed again): start the star afresh.
    if (known) this.reset(roomId);
    const tail = this.closing.get(roomId) ?? Promise.resolve();
    this.closing.delete(roomId);
    const fresh: SpreadMeeting = { homeNodeId, peers: new Map(), tracks: new Map(), policy: known?.policy ?? null, views: new Map(), links: new Map(), sent: new Set(), tail };
    this.meetings.set(roomId, fresh);
    return fresh;
  }

  private sync(roomId: string): void {
    const meeting = this.meetings.get(roomId);
    if (!meeting) return;
    meeting.tail = meeting.tail.then(() => this.syncNow(roomId, meeting)).catch((error: unknown) => this.logger.warn({ err: error, roomId }, 'could not update the links between SFU nodes'));
  }

  private async syncNow(roomId: string, meeting: SpreadMeeting): Promise<void> {
    if (this.meetings.get(roomId) !== meeting) return;
    const nodeIds = [...new Set([...meeting.peers.values()].map((peer) => peer.nodeId))];
    for (const far of nodeIds) if (far !== meeting.homeNodeId) await this.linkTo(roomId, meeting, far);
    const thumbnails = new Map<string, Set<string>>();
    for (const [peerId, view] of meeting.views) {
      const nodeId = meeting.peers.get(peerId)?.nodeId;
      if (!nodeId) continue;
      const shown = thumbnails.get(nodeId) ?? new Set<string>();
      for (const id of view) shown.add(id);
      thumbnails.set(nodeId, shown);
    }
    const transfers = planTransfers({ homeNodeId: meeting.homeNodeId, nodeIds, tracks: [...meeting.tracks.values()], policy: meeting.policy, thumbnails });
    for (const { producerId, from, to } of transfers) {
      const key = `${producerId}|${from}|${to}`;
      if (meeting.sent.has(key)) continue;
      try {
        await this.transfer(roomId, meeting, producerId, from, to);
        meeting.sent.add(key);
      } catch (error) {
        // One track that cannot cross does not hold the others back. One its node no longer has
        // (closed while its peer went away unseen) is forgotten; anything else is tried at the next change.
        if ((error as { code?: string }).code === 'not_found') meeting.tracks.delete(producerId);
        this.logger.warn({ err: error, roomId, producerId, from, to }, 'could not send a track over a link');
      }
    }
  }

  /** `link:send` on the origin, `link:receive` on the far end with its answer, then any change that raced it. */
  private async transfer(roomId: string, meeting: SpreadMeeting, producerId: string, from: string, to: string): Promise<void> {
    const linkId = await this.linkTo(roomId, meeting, from === meeting.homeNodeId ? to : from);
    const key = crossingKey(linkId, producerId);
    this.crossings.set(key, { roomId, from, to });
    const track = await this.send(from, 'link:send', { roomId, linkId, producerId });
    await ignoringConflict(this.send(to, 'link:receive', { roomId, linkId, producerId, ...track }, CONFLICT));
    const pending = this.pendingStates.get(key);
    this.pendingStates.delete(key);
    if (pending) await this.send(to, 'link:trackState', { roomId, linkId, producerId, state: pending });
  }

  /** The link between the home node and `far`, opened and connected at both ends once. */
  private linkTo(roomId: string, meeting: SpreadMeeting, far: string): Promise<string> {
    const known = meeting.links.get(far);
    if (known) return known;
    const opening = this.openLink(roomId, meeting.homeNodeId, far);
    meeting.links.set(far, opening);
    opening.catch(() => meeting.links.get(far) === opening && meeting.links.delete(far));
    return opening;
  }

  private async openLink(roomId: string, home: string, far: string): Promise<string> {
    const linkId = linkIdOf(roomId, home, far);
    await this.send(far, 'room:open', { roomId });
    const [homeEnd, farEnd] = await Promise.all([this.send(home, 'link:open', { roomId, linkId }), this.send(far, 'link:open', { roomId, linkId })]);
    // Another signaling node may have connected them already (same id, same ends): conflict is fine.
    await Promise.all([
      ignoringConflict(this.send(home, 'link:connect', { roomId, linkId, ...farEnd }, CONFLICT)),
      ignoringConflict(this.send(far, 'link:connect', { roomId, linkId, ...homeEnd }, CONFLICT)),
    ]);
    this.logger.info({ roomId, linkId, home, far }, 'SFU nodes linked');
    return linkId;
  }

  private async closeEnd(nodeId: string, roomId: string, link: Promise<string>): Promise<void> {
    try {
      await this.send(nodeId, 'link:close', { roomId, linkId: await link });
    } catch {
      // Best effort: the link's far end died with its node, or never opened.
    }
  }
}

/** The same for every signaling node, so that they drive one link per pair of nodes, not one each. */
export function linkIdOf(roomId: string, home: string, far: string): string {
  return `link-${createHash('sha256').update(`${roomId}\n${home}\n${far}`).digest('base64url').slice(0, 32)}`;
}

function crossingKey(linkId: string, producerId: string): string {
  return `${linkId}/${producerId}`;
}

/** Another signaling node connected the link, or received the track, first: done all the same. */
const CONFLICT: readonly ErrorCode[] = ['conflict'];

async function ignoringConflict<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if ((error as { code?: string }).code === 'conflict') return undefined;
    throw error;
  }
}
