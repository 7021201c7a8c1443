import { describe, expect, it } from 'vitest';
import { PeerRoutes } from '../src/api/peer-routes.js';

describe('PeerRoutes', () => {
  it('remembers which signaling connection opened a peer, per room', () => {
    const routes = new PeerRoutes();
    routes.bind('room-1', 'alice', 'conn-a');
    routes.bind('room-2', 'alice', 'conn-b');
    expect(routes.connectionOf('room-1', 'alice')).toBe('conn-a');
    expect(routes.connectionOf('room-2', 'alice')).toBe('conn-b');
  });

  it('forgets a whole room without touching rooms whose id starts the same', () => {
    const routes = new PeerRoutes();
    routes.bind('room-1', 'alice', 'conn-a');
    routes.bind('room-10', 'bob', 'conn-a');
    routes.forgetRoom('room-1');
    expect(routes.connectionOf('room-1', 'alice')).toBeUndefined();
    expect(routes.connectionOf('room-10', 'bob')).toBe('conn-a');
  });
});
