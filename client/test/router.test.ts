import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash } from '../src/lib/router.js';

describe('hash routes', () => {
  it('opens the meeting list by default', () => {
    expect(parseRoute('')).toEqual({ name: 'meetings' });
    expect(parseRoute('#/')).toEqual({ name: 'meetings' });
    expect(parseRoute('#/meetings')).toEqual({ name: 'meetings' });
  });

  it('reads a meeting id', () => {
    expect(parseRoute('#/meetings/hop-ubnd-2026_05')).toEqual({ name: 'meeting', meetingId: 'hop-ubnd-2026_05' });
  });

  it('refuses ids the server would refuse', () => {
    expect(parseRoute('#/meetings/a%2F..%2Fb').name).toBe('not-found');
    expect(parseRoute('#/meetings/' + 'x'.repeat(65)).name).toBe('not-found');
  });

  it('round-trips every route', () => {
    for (const route of [{ name: 'login' }, { name: 'meetings' }, { name: 'meeting', meetingId: 'm-1' }] as const) {
      expect(parseRoute(routeHash(route))).toEqual(route);
    }
  });
});

describe('administration routes', () => {
  it('reads the admin screens, a new meeting and a meeting to edit', () => {
    expect(parseRoute('#/admin')).toEqual({ name: 'admin' });
    expect(parseRoute('#/admin/meetings')).toEqual({ name: 'admin-meetings' });
    expect(parseRoute('#/admin/media')).toEqual({ name: 'admin-media' });
    expect(parseRoute('#/admin/meetings/new')).toEqual({ name: 'admin-meeting', meetingId: null });
    expect(parseRoute('#/admin/meetings/m-abc_1')).toEqual({ name: 'admin-meeting', meetingId: 'm-abc_1' });
    expect(parseRoute('#/admin/meetings/a%2Fb').name).toBe('not-found');
  });

  it('round-trips them', () => {
    const routes = [{ name: 'admin' }, { name: 'admin-meetings' }, { name: 'admin-media' }, { name: 'admin-meeting', meetingId: null }, { name: 'admin-meeting', meetingId: 'm-1' }] as const;
    for (const route of routes) expect(parseRoute(routeHash(route))).toEqual(route);
  });
});

describe('archive routes', () => {
  it('reads the archive and a dossier, and round-trips them', () => {
    expect(parseRoute('#/archive')).toEqual({ name: 'archive' });
    expect(parseRoute('#/archive/demo-1')).toEqual({ name: 'dossier', meetingId: 'demo-1' });
    expect(parseRoute('#/archive/a%2F..').name).toBe('not-found');
    for (const route of [{ name: 'archive' }, { name: 'dossier', meetingId: 'm-1' }] as const) {
      expect(parseRoute(routeHash(route))).toEqual(route);
    }
  });
});
