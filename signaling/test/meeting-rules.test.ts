import { describe, expect, it } from 'vitest';
import { DEFAULT_QUORUM, MeetingInput, type AdminUser, type MeetingStatus, type Unit } from '@ehop/protocol';
import { canSeeMeeting } from '../src/meetings/meeting-access.js';
import { resolveMembers } from '../src/meetings/meeting-editor.js';
import { isAllowedTransition, mayMoveTo, requireReadyToPublish, requireTransition } from '../src/meetings/meeting-lifecycle.js';
import type { StoredMeeting } from '../src/meetings/meeting-repository.js';
import { contentsOf, newUnitId, requireEmpty, requireValidPlacement } from '../src/admin/unit-tree-rules.js';

const statuses: MeetingStatus[] = ['draft', 'published', 'in_progress', 'ended'];
const chair = { role: 'chair' as const, isAdmin: false };
const admin = { role: null, isAdmin: true };
const delegate = { role: 'delegate' as const, isAdmin: false };

describe('meeting status transitions', () => {
  it('only goes forward one step at a time', () => {
    const allowed = statuses.flatMap((from) => statuses.filter((to) => isAllowedTransition(from, to)).map((to) => `${from}->${to}`));
    expect(allowed).toEqual(['draft->published', 'published->in_progress', 'in_progress->ended']);
  });

  it('lets administrators or the chair publish, only the chair start, the chair or an administrator end', () => {
    expect(mayMoveTo('published', admin)).toBe(true);
    expect(mayMoveTo('published', chair)).toBe(true);
    expect(mayMoveTo('in_progress', chair)).toBe(true);
    expect(mayMoveTo('in_progress', admin)).toBe(false);
    expect(mayMoveTo('ended', admin)).toBe(true);
    for (const target of statuses) expect(mayMoveTo(target, delegate), target).toBe(false);
    expect(mayMoveTo('published', { role: 'secretary', isAdmin: false })).toBe(false);
  });

  it('refuses with forbidden first, then meeting_ended, then conflict for a step out of order', () => {
    expect(() => requireTransition('draft', 'in_progress', delegate)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => requireTransition('ended', 'in_progress', chair)).toThrow(expect.objectContaining({ code: 'meeting_ended' }));
    expect(() => requireTransition('draft', 'in_progress', chair)).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(() => requireTransition('in_progress', 'published', chair)).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(() => requireTransition('published', 'in_progress', chair)).not.toThrow();
  });

  it('publishes only a meeting with a chair', () => {
    expect(() => requireReadyToPublish([{ role: 'delegate' }])).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(() => requireReadyToPublish([{ role: 'chair' }])).not.toThrow();
  });
});

describe('draft visibility', () => {
  const draft: StoredMeeting = {
    id: 'm-1',
    title: 'Dự thảo',
    startsAt: '2026-05-12T01:00:00.000Z',
    location: '',
    status: 'draft',
    endedAt: null,
    organizerId: 'u-org',
    invitedUnitIds: [],
    quorum: DEFAULT_QUORUM,
    members: [
      { userId: 'u-chair', role: 'chair' },
      { userId: 'u-delegate', role: 'delegate' },
    ],
  };

  it('shows a draft to its organiser, its chair and administrators only', () => {
    expect(canSeeMeeting(draft, 'u-org', false)).toBe(true);
    expect(canSeeMeeting(draft, 'u-chair', false)).toBe(true);
    expect(canSeeMeeting(draft, 'u-delegate', true)).toBe(true);
    expect(canSeeMeeting(draft, 'u-delegate', false)).toBe(false);
    expect(canSeeMeeting({ ...draft, status: 'published' }, 'u-delegate', false)).toBe(true);
  });
});

describe('meeting invitations', () => {
  const units: Unit[] = [
    { id: 'tinh', name: 'Tỉnh', level: 'province', parentId: null },
    { id: 'huyen', name: 'Huyện', level: 'district', parentId: 'tinh' },
  ];
  const account = (id: string, unitId: string, kind: 'person' | 'endpoint', disabled = false): AdminUser => ({
    id,
    username: id,
    displayName: id,
    unitId,
    kind,
    isAdmin: false,
    disabled,
  });
  const users = [
    account('u-chair', 'tinh', 'person'),
    account('u-ep-tinh', 'tinh', 'endpoint'),
    account('u-ep-huyen', 'huyen', 'endpoint'),
    account('u-ep-huyen-old', 'huyen', 'endpoint', true),
  ];
  const input = (fields: object) =>
    MeetingInput.parse({ title: 'Họp', startsAt: '2026-05-12T08:00:00+07:00', ...fields });

  it('normalises the start time to UTC', () => {
    expect(input({}).startsAt).toBe('2026-05-12T01:00:00.000Z');
  });

  it("adds an invited unit's active endpoint accounts with the endpoint role", () => {
    const members = resolveMembers(input({ invitedUnitIds: ['huyen'], members: [{ userId: 'u-chair', role: 'chair' }] }), { users, units });
    expect(members).toEqual([
      { userId: 'u-chair', role: 'chair' },
      { userId: 'u-ep-huyen', role: 'endpoint' },
    ]);
  });

  it('refuses unknown units and accounts, and the endpoint role for a person (and the reverse)', () => {
    const directory = { users, units };
    expect(() => resolveMembers(input({ invitedUnitIds: ['xa'] }), directory)).toThrow(expect.objectContaining({ code: 'invalid_payload' }));
    expect(() => resolveMembers(input({ members: [{ userId: 'u-nobody', role: 'delegate' }] }), directory)).toThrow(/Unknown/);
    expect(() => resolveMembers(input({ members: [{ userId: 'u-chair', role: 'endpoint' }] }), directory)).toThrow(/endpoint/);
    expect(() => resolveMembers(input({ members: [{ userId: 'u-ep-tinh', role: 'delegate' }] }), directory)).toThrow(/endpoint/);
    expect(() => resolveMembers(input({ members: [{ userId: 'u-ep-huyen-old', role: 'endpoint' }] }), directory)).toThrow(/disabled/);
  });

  it('refuses two chairs and a person invited twice in the form itself', () => {
    const twoChairs = MeetingInput.safeParse({
      title: 'Họp',
      startsAt: '2026-05-12T01:00:00Z',
      members: [
        { userId: 'a', role: 'chair' },
        { userId: 'b', role: 'chair' },
      ],
    });
    expect(twoChairs.success).toBe(false);
    const twice = MeetingInput.safeParse({
      title: 'Họp',
      startsAt: '2026-05-12T01:00:00Z',
      members: [
        { userId: 'a', role: 'chair' },
        { userId: 'a', role: 'delegate' },
      ],
    });
    expect(twice.success).toBe(false);
  });
});

describe('organisational tree', () => {
  const province: Unit = { id: 'tinh', name: 'Tỉnh Hòa Bình', level: 'province', parentId: null };
  const district: Unit = { id: 'huyen', name: 'Huyện Lạc Sơn', level: 'district', parentId: 'tinh' };

  it('places provinces at the root, districts under provinces and communes under districts', () => {
    expect(() => requireValidPlacement('province', null)).not.toThrow();
    expect(() => requireValidPlacement('district', province)).not.toThrow();
    expect(() => requireValidPlacement('commune', district)).not.toThrow();
    expect(() => requireValidPlacement('province', province)).toThrow(expect.objectContaining({ code: 'invalid_payload' }));
    expect(() => requireValidPlacement('commune', province)).toThrow(/under a district/);
    expect(() => requireValidPlacement('district', null)).toThrow(/needs a parent/);
  });

  it('deletes only empty units', () => {
    const units = [province, district];
    expect(contentsOf('tinh', units, ['huyen'])).toEqual({ childUnits: 1, accounts: 0 });
    expect(() => requireEmpty(contentsOf('tinh', units, []))).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(() => requireEmpty(contentsOf('huyen', units, ['huyen']))).toThrow(/1 account/);
    expect(() => requireEmpty(contentsOf('huyen', units, ['tinh']))).not.toThrow();
  });

  it('derives readable ids from Vietnamese names', () => {
    expect(newUnitId('Xã Ân Nghĩa')).toMatch(/^xa-an-nghia-[0-9a-f]{6}$/);
    expect(newUnitId('Phường Đồng Tiến')).toMatch(/^phuong-dong-tien-[0-9a-f]{6}$/);
    expect(newUnitId('!!!')).toMatch(/^unit-[0-9a-f]{6}$/);
  });
});
