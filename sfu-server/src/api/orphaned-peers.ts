import type { Logger } from '../logger.js';
import type { RoomRegistry } from '../media/room-registry.js';
import type { PeerRef, PeerRoutes } from './peer-routes.js';

export interface OrphanedPeersOptions {
  registry: RoomRegistry;
  routes: PeerRoutes;
  /** These peers of the node were closed: the other nodes must hear it (`peers:closed`). */
  onClosed: (nodeId: string, peers: PeerRef[]) => void;
  log: Logger;
}

/** How long a lost node's peer may stay while its browser still uses it (its signaling never came back). */
export const ORPHAN_MAX_MS = 30_000;
const SWEEP_EVERY_MS = 1_000;

interface Orphan {
  nodeId: string;
  ref: PeerRef;
  since: number;
}

/**
 * The peers of a signaling node whose lease ran out. A peer whose browser has let go of it (it
 * rejoined as a new peer through another node, or is gone) is closed at once. One whose browser
 * still sends media through it, or still holds its receive transport, is left running until it
 * lets go (checked every second, at most ORPHAN_MAX_MS): while its signaling is away, a browser
 * keeps its media, and closing that peer would cut the picture everyone else sees of it.
 */
export class OrphanedPeers {
  private readonly orphans = new Map<string, Orphan>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: OrphanedPeersOptions) {}

  /** The node lost its lease: each of its peers goes now or when its browser lets go. */
  adopt(nodeId: string): void {
    const since = Date.now();
    for (const ref of this.options.routes.peersOf(nodeId)) this.orphans.set(`${ref.roomId}/${ref.peerId}`, { nodeId, ref, since });
    this.sweep();
  }

  get count(): number {
    return this.orphans.size;
  }

  close(): void {
    clearTimeout(this.timer);
    this.orphans.clear();
  }

  private sweep(): void {
    clearTimeout(this.timer);
    const { registry, routes, onClosed, log } = this.options;
    const closed = new Map<string, PeerRef[]>();
    for (const [key, { nodeId, ref, since }] of this.orphans) {
      const room = registry.find(ref.roomId);
      const peer = room?.findPeer(ref.peerId);
      if (peer?.inUseByBrowser && Date.now() - since < ORPHAN_MAX_MS) continue;
      this.orphans.delete(key);
      room?.closePeer(ref.peerId);
      routes.unbind(ref.roomId, ref.peerId);
      closed.set(nodeId, [...(closed.get(nodeId) ?? []), ref]);
    }
    for (const [nodeId, peers] of closed) {
      log.warn({ nodeId, peers: peers.length, stillInUse: this.orphans.size }, 'closed peers of a lost signaling node');
      onClosed(nodeId, peers);
    }
    if (this.orphans.size > 0) this.timer = setTimeout(() => this.sweep(), SWEEP_EVERY_MS).unref();
  }
}
