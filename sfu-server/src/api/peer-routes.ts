/** A peer, by room. */
export interface PeerRef {
  roomId: string;
  peerId: string;
}

/**
 * Which signaling node opened each peer: the peer's notifications go back through that node
 * (it holds its browser's socket), and the peer lives only as long as the node's lease.
 */
export class PeerRoutes {
  private readonly nodeByPeer = new Map<string, string>();

  bind(roomId: string, peerId: string, nodeId: string): void {
    this.nodeByPeer.set(key(roomId, peerId), nodeId);
  }

  unbind(roomId: string, peerId: string): void {
    this.nodeByPeer.delete(key(roomId, peerId));
  }

  forgetRoom(roomId: string): void {
    const prefix = key(roomId, '');
    for (const peerKey of this.nodeByPeer.keys()) {
      if (peerKey.startsWith(prefix)) this.nodeByPeer.delete(peerKey);
    }
  }

  nodeOf(roomId: string, peerId: string): string | undefined {
    return this.nodeByPeer.get(key(roomId, peerId));
  }

  /** Every peer the node owns. */
  peersOf(nodeId: string): PeerRef[] {
    const peers: PeerRef[] = [];
    for (const [peerKey, owner] of this.nodeByPeer) {
      if (owner !== nodeId) continue;
      const [roomId, peerId] = peerKey.split('/') as [string, string];
      peers.push({ roomId, peerId });
    }
    return peers;
  }

  /** How many peers each node owns. */
  countByNode(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const owner of this.nodeByPeer.values()) counts.set(owner, (counts.get(owner) ?? 0) + 1);
    return counts;
  }
}

// Ids are [A-Za-z0-9_-], so '/' cannot occur inside one.
function key(roomId: string, peerId: string): string {
  return `${roomId}/${peerId}`;
}
