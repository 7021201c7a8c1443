import type { MediaPolicy, MediaSource } from '@ehop/protocol';

/** A track published by a peer of the meeting, on the SFU node of that peer. */
export interface PublishedTrack {
  producerId: string;
  /** The node the publishing peer is on (where the track originates). */
  nodeId: string;
  peerId: string;
  userId: string;
  source: MediaSource;
}

/** What one meeting looks like across its SFU nodes, as the cascade knows it. */
export interface CascadeState {
  /** The meeting's node (MeetingPlacements): the centre of the star of links. */
  homeNodeId: string;
  /** Every node with peers of the meeting (the home node included or not). */
  nodeIds: readonly string[];
  tracks: readonly PublishedTrack[];
  /** The room's policy (null before the conference sent one: nobody speaks, nothing is main). */
  policy: MediaPolicy | null;
  /** Per node, the peers shown in thumbnails by that node's peers (their `peer:setView`). */
  thumbnails: ReadonlyMap<string, ReadonlySet<string>>;
}

/** One track sent over the link between two nodes (one of them is always the home node). */
export interface Transfer {
  producerId: string;
  from: string;
  to: string;
}

/**
 * The producers a node's peers need from anywhere in the meeting: the cameras and microphones the
 * policy puts on every main screen or lets be heard (main user, floor holder, next speakers; the
 * microphones of those allowed to speak, everyone's in open discussion), and the cameras its own
 * peers show as thumbnails. Every node has its own main-screen feed, so the policy's tracks are
 * needed on all of them.
 */
export function neededAt(nodeId: string, state: Pick<CascadeState, 'tracks' | 'policy' | 'thumbnails'>): Set<string> {
  const { policy } = state;
  const onScreen = new Set<string>(policy ? [policy.main.userId, policy.floorHolderUserId, ...policy.upcomingUserIds].filter((id): id is string => id !== null) : []);
  const heard = (userId: string) => policy !== null && (policy.speakers.mode === 'everyone' || policy.speakers.userIds.includes(userId));
  const shown = state.thumbnails.get(nodeId) ?? new Set<string>();
  const needed = new Set<string>();
  for (const track of state.tracks) {
    if (track.nodeId === nodeId) continue;
    const wanted = onScreen.has(track.userId) || (track.source === 'mic' ? heard(track.userId) : shown.has(track.peerId));
    if (wanted) needed.add(track.producerId);
  }
  return needed;
}

/**
 * Every track that must cross a link, in an order that works: links form a star around the home
 * node, so a track from one far node to another goes through the home node (first to it, then on
 * from it: the home node forwards a track it received over a link). Each (track, link, direction)
 * appears once, however many nodes and receivers need it.
 */
export function planTransfers(state: CascadeState): Transfer[] {
  const { homeNodeId } = state;
  const byId = new Map(state.tracks.map((track) => [track.producerId, track]));
  const nodes = [...new Set([homeNodeId, ...state.nodeIds])].sort();
  const seen = new Set<string>();
  const transfers: Transfer[] = [];
  const add = (producerId: string, from: string, to: string) => {
    const key = `${producerId}|${from}|${to}`;
    if (seen.has(key)) return;
    seen.add(key);
    transfers.push({ producerId, from, to });
  };
  for (const nodeId of nodes) {
    for (const producerId of [...neededAt(nodeId, state)].sort()) {
      const origin = byId.get(producerId)!.nodeId;
      if (origin !== homeNodeId && nodeId !== homeNodeId) {
        add(producerId, origin, homeNodeId);
        add(producerId, homeNodeId, nodeId);
      } else add(producerId, origin, nodeId);
    }
  }
  // Hops into the home node first: a track must be there before it can go on.
  return [...transfers.filter((transfer) => transfer.to === homeNodeId), ...transfers.filter((transfer) => transfer.to !== homeNodeId)];
}
