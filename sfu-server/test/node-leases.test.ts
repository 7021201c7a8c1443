import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { NodeLeases } from '../src/api/node-leases.js';

const log = pino({ level: 'silent' });

describe('NodeLeases', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function leases(graceMs = 5_000) {
    const expired: string[] = [];
    return { leases: new NodeLeases({ graceMs, log, onExpired: (nodeId) => expired.push(nodeId) }), expired };
  }

  it('expires a node whose last connection is gone once the grace period has passed', () => {
    const { leases: l, expired } = leases();
    l.attach('node-a', 'c1');
    l.detach('node-a', 'c1');
    expect(l.describe(new Map([['node-a', 3]]))).toEqual([{ nodeId: 'node-a', connections: 0, expiresAt: expect.any(Number), peers: 3 }]);
    vi.advanceTimersByTime(4_999);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['node-a']);
    expect(l.describe(new Map())).toEqual([]);
  });

  it('keeps a node that reconnects within the grace period (a brief cut of the internal link)', () => {
    const { leases: l, expired } = leases();
    l.attach('node-a', 'c1');
    l.detach('node-a', 'c1');
    vi.advanceTimersByTime(3_000);
    l.attach('node-a', 'c2');
    vi.advanceTimersByTime(10_000);
    expect(expired).toEqual([]);
    expect(l.connectionOf('node-a')).toBe('c2');
  });

  it('starts no grace period while the node still has another connection', () => {
    const { leases: l, expired } = leases();
    l.attach('node-a', 'c1');
    l.attach('node-a', 'c2');
    l.detach('node-a', 'c1');
    vi.advanceTimersByTime(60_000);
    expect(expired).toEqual([]);
    expect(l.connectionOf('node-a')).toBe('c2');
  });

  it('does not touch other nodes', () => {
    const { leases: l, expired } = leases(1_000);
    l.attach('node-a', 'c1');
    l.attach('node-b', 'c2');
    l.detach('node-a', 'c1');
    vi.advanceTimersByTime(1_000);
    expect(expired).toEqual(['node-a']);
    expect(l.connectionOf('node-b')).toBe('c2');
  });
});
