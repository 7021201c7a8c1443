import { describe, expect, it } from 'vitest';
import { addressKey } from '../src/accounts/client-address.js';
import type { StoredMeeting } from '../src/meetings/meeting-repository.js';
import { changedRoles } from '../src/realtime/membership-sync.js';

describe('the address a sign-in is counted against', () => {
  it('is the IPv4 address, also when written as IPv4-mapped IPv6', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('is the /64 of an IPv6 address, however it is written', () => {
    expect(addressKey('2001:db8:12:34:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:12:34::/64');
    expect(addressKey('2001:0db8:0012:0034::1')).toBe('2001:db8:12:34::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe('the members whose role an edit changed', () => {
  const meeting = (members: StoredMeeting['members']) => ({ members }) as StoredMeeting;

  it('lists new roles, removals (null) and newcomers, and nobody else', () => {
    const before = meeting([
      { userId: 'u-chair', role: 'chair' },
      { userId: 'u-delegate', role: 'delegate' },
      { userId: 'u-gone', role: 'delegate' },
      { userId: 'u-same', role: 'secretary' },
    ]);
    const after = meeting([
      { userId: 'u-chair', role: 'delegate' },
      { userId: 'u-delegate', role: 'chair' },
      { userId: 'u-same', role: 'secretary' },
      { userId: 'u-new', role: 'observer' },
    ]);
    expect(Object.fromEntries(changedRoles(before, after))).toEqual({
      'u-chair': 'delegate',
      'u-delegate': 'chair',
      'u-gone': null,
      'u-new': 'observer',
    });
    expect(changedRoles(after, after).size).toBe(0);
  });
});
