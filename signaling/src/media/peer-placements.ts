import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/** A meeting lasts a working day; the set of its nodes outlives it by a little. */
const NODES_TTL_SECONDS = 24 * 60 * 60;

export interface PlacedPeer {
  roomId: string;
  peerId: string;
  userId: string | null;
  nodeId: string;
}

/**
 * Where each peer of SFU_PEER_PLACEMENT=unit lives, and which nodes carry a meeting.
 *
 * A peer's node is chosen once, when its media opens (choosePeerNode), and kept here in memory by
 * the signaling node that opened it: only that node sends the peer's own requests (its socket is
 * there), so nobody else needs it, and a registry that changes meanwhile (a node comes back) does
 * not move a running peer. The nodes carrying a meeting are shared in Redis, because room-wide
 * requests (the floor's policy, the chair's mute) are sent by whichever signaling node handles
 * the chair and must reach every node with peers of the meeting.
 */
export class PeerPlacements {
  private readonly peers = new Map<string, PlacedPeer>();

  constructor(private readonly redis: RedisClient) {}

  async place(peer: PlacedPeer): Promise<void> {
    const key = keys.meetingSfuPeerNodes(peer.roomId);
    await this.redis.multi().sAdd(key, peer.nodeId).expire(key, NODES_TTL_SECONDS).exec();
    this.peers.set(peer.peerId, peer);
  }

  nodeOf(peerId: string): string | undefined {
    return this.peers.get(peerId)?.nodeId;
  }

  get(peerId: string): PlacedPeer | undefined {
    return this.peers.get(peerId);
  }

  forget(peerId: string): void {
    this.peers.delete(peerId);
  }

  /** The nodes any signaling node placed a peer of the meeting on (dead ones included: filter). */
  async nodesOf(roomId: string): Promise<string[]> {
    return this.redis.sMembers(keys.meetingSfuPeerNodes(roomId));
  }

  /** This signaling node's peers on a node, forgotten (the node is gone). */
  takePeersOn(nodeId: string): PlacedPeer[] {
    const gone = [...this.peers.values()].filter((peer) => peer.nodeId === nodeId);
    for (const peer of gone) this.peers.delete(peer.peerId);
    return gone;
  }
}
