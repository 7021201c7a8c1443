/**
 * Which signaling connection opened each peer, so that the peer's notifications go back through
 * the node that holds its browser's socket.
 */
export class PeerRoutes {
  private readonly connectionByPeer = new Map<string, string>();

  bind(roomId: string, peerId: string, connectionId: string): void {
    this.connectionByPeer.set(key(roomId, peerId), connectionId);
  }

  unbind(roomId: string, peerId: string): void {
    this.connectionByPeer.delete(key(roomId, peerId));
  }

  forgetRoom(roomId: string): void {
    const prefix = key(roomId, '');
    for (const peerKey of this.connectionByPeer.keys()) {
      if (peerKey.startsWith(prefix)) this.connectionByPeer.delete(peerKey);
    }
  }

  connectionOf(roomId: string, peerId: string): string | undefined {
    return this.connectionByPeer.get(key(roomId, peerId));
  }
}

// Ids are [A-Za-z0-9_-], so '/' cannot occur inside one.
function key(roomId: string, peerId: string): string {
  return `${roomId}/${peerId}`;
}
