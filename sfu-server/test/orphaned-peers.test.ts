import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { ORPHAN_MAX_MS, OrphanedPeers } from '../src/api/orphaned-peers.js';
import { PeerRoutes } from '../src/api/peer-routes.js';
import type { RoomRegistry } from '../src/media/room-registry.js';

/** A room whose peers' browsers use them or not, as the test says. */
function fakeRegistry(inUse: Map<string, boolean>) {
  const closed: string[] = [];
  const room = {
    findPeer: (peerId: string) => (inUse.has(peerId) ? { inUseByBrowser: inUse.get(peerId)! } : undefined),
    closePeer: (peerId: string) => {
      closed.push(peerId);
      inUse.delete(peerId);
    },
  };
  return { registry: { find: (roomId: string) => (roomId === 'room' ? room : undefined) } as unknown as RoomRegistry, closed };
}

describe('OrphanedPeers (the peers of a node whose lease ran out)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setUp(inUse: Record<string, boolean>) {
    const browsers = new Map(Object.entries(inUse));
    const { registry, closed } = fakeRegistry(browsers);
    const routes = new PeerRoutes();
    for (const peerId of browsers.keys()) routes.bind('room', peerId, 'lost-node');
    routes.bind('room', 'other', 'live-node');
    const notices: { nodeId: string; peers: string[] }[] = [];
    const orphans = new OrphanedPeers({ registry, routes, log: pino({ level: 'silent' }), onClosed: (nodeId, peers) => notices.push({ nodeId, peers: peers.map((p) => p.peerId) }) });
    return { orphans, browsers, closed, notices, routes };
  }

  it('closes at once the peers no browser uses any more, and only the lost node\'s', () => {
    const { orphans, closed, notices, routes } = setUp({ ghost: false, gone: false });
    orphans.adopt('lost-node');
    expect(closed.sort()).toEqual(['ghost', 'gone']);
    expect(notices).toEqual([{ nodeId: 'lost-node', peers: expect.arrayContaining(['ghost', 'gone']) }]);
    expect(routes.peersOf('live-node')).toEqual([{ roomId: 'room', peerId: 'other' }]);
    expect(orphans.count).toBe(0);
  });

  it('keeps a peer whose browser still sends through it until the browser lets go of it', () => {
    const { orphans, browsers, closed, notices } = setUp({ ghost: false, sending: true });
    orphans.adopt('lost-node');
    expect(closed).toEqual(['ghost']);
    vi.advanceTimersByTime(5_000);
    expect(closed).toEqual(['ghost']);
    browsers.set('sending', false); // it rejoined elsewhere and closed its old transports
    vi.advanceTimersByTime(1_000);
    expect(closed).toEqual(['ghost', 'sending']);
    expect(notices.map((notice) => notice.peers)).toEqual([['ghost'], ['sending']]);
  });

  it('closes a peer still in use after ORPHAN_MAX_MS all the same', () => {
    const { orphans, closed } = setUp({ stuck: true });
    orphans.adopt('lost-node');
    vi.advanceTimersByTime(ORPHAN_MAX_MS - 1_000);
    expect(closed).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(closed).toEqual(['stuck']);
  });
});
