import { describe, expect, it } from 'vitest';
import { PeerRoutes } from '../src/api/peer-routes.js';

describe('PeerRoutes', () => {
  it('remembers which signaling node opened a peer, per room', () => {
    const routes = new PeerRoutes();
    routes.bind('room-1', 'alice', 'node-a');
    routes.bind('room-2', 'alice', 'node-b');
    expect(routes.nodeOf('room-1', 'alice')).toBe('node-a');
    expect(routes.nodeOf('room-2', 'alice')).toBe('node-b');
  });

  it('forgets a whole room without touching rooms whose id starts the same', () => {
    const routes = new PeerRoutes();
    routes.bind('room-1', 'alice', 'node-a');
    routes.bind('room-10', 'bob', 'node-a');
    routes.forgetRoom('room-1');
    expect(routes.nodeOf('room-1', 'alice')).toBeUndefined();
    expect(routes.nodeOf('room-10', 'bob')).toBe('node-a');
  });

  it('lists and counts the peers each node owns', () => {
    const routes = new PeerRoutes();
    routes.bind('room-1', 'alice', 'node-a');
    routes.bind('room-2', 'bob', 'node-a');
    routes.bind('room-1', 'carol', 'node-b');
    routes.unbind('room-2', 'bob');
    expect(routes.peersOf('node-a')).toEqual([{ roomId: 'room-1', peerId: 'alice' }]);
    expect(routes.countByNode()).toEqual(new Map([['node-a', 1], ['node-b', 1]]));
  });
});
