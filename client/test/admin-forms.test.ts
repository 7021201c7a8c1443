import { describe, expect, it } from 'vitest';
import type { AdminUser, Unit } from '@ehop/protocol';
import { defaultRole, fromVietnamInput, toVietnamInput, withRole, withUnitEndpoints } from '../src/lib/admin/meeting-form.js';
import { buildUnitTree, childLevel, isEmptyUnit, possibleParents, unitWithDescendants } from '../src/lib/admin/unit-tree.js';

const units: Unit[] = [
  { id: 'tinh', name: 'Tỉnh Hòa Bình', level: 'province', parentId: null },
  { id: 'lac-son', name: 'Huyện Lạc Sơn', level: 'district', parentId: 'tinh' },
  { id: 'kim-boi', name: 'Huyện Kim Bôi', level: 'district', parentId: 'tinh' },
  { id: 'an-nghia', name: 'Xã Ân Nghĩa', level: 'commune', parentId: 'lac-son' },
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
const users = [account('ep-lac-son', 'lac-son', 'endpoint'), account('tuan', 'lac-son', 'person'), account('ep-old', 'lac-son', 'endpoint', true)];

describe('unit tree', () => {
  it('nests districts under the province and communes under districts, sorted the Vietnamese way', () => {
    const [province] = buildUnitTree(units, users);
    expect(province!.unit.id).toBe('tinh');
    expect(province!.children.map((node) => node.unit.name)).toEqual(['Huyện Kim Bôi', 'Huyện Lạc Sơn']);
    const lacSon = province!.children[1]!;
    expect(lacSon.children.map((node) => node.unit.id)).toEqual(['an-nghia']);
    expect(lacSon.endpoints.map((user) => user.id)).toEqual(['ep-lac-son', 'ep-old']);
    expect(lacSon.people.map((user) => user.id)).toEqual(['tuan']);
  });

  it('shows a unit whose parent is gone at the top rather than losing it', () => {
    expect(buildUnitTree([{ id: 'x', name: 'Xã X', level: 'commune', parentId: 'gone' }], []).map((node) => node.unit.id)).toEqual(['x']);
  });

  it('knows the levels below, the possible parents, emptiness and descendants', () => {
    expect(childLevel('province')).toBe('district');
    expect(childLevel('commune')).toBeNull();
    expect(possibleParents(units, units[3]!).map((unit) => unit.id)).toEqual(['kim-boi', 'lac-son']);
    expect(possibleParents(units, units[0]!)).toEqual([]);
    expect(isEmptyUnit(units, users, 'kim-boi')).toBe(true);
    expect(isEmptyUnit(units, users, 'lac-son')).toBe(false);
    expect(isEmptyUnit(units, [], 'tinh')).toBe(false);
    expect(unitWithDescendants(units, 'lac-son')).toEqual(['lac-son', 'an-nghia']);
  });
});

describe('meeting form', () => {
  it('reads and writes times in Vietnam time whatever the computer zone', () => {
    expect(toVietnamInput('2026-05-12T01:00:00.000Z')).toBe('2026-05-12T08:00');
    expect(toVietnamInput('2026-05-12T20:30:00.000Z')).toBe('2026-05-13T03:30');
    expect(fromVietnamInput('2026-05-12T08:00')).toBe('2026-05-12T08:00:00+07:00');
    expect(Date.parse(fromVietnamInput('2026-05-12T08:00')!)).toBe(Date.parse('2026-05-12T01:00:00Z'));
    expect(fromVietnamInput('')).toBeNull();
  });

  it("brings an invited unit's active endpoints in, and takes them out with it", () => {
    const invited = withUnitEndpoints([{ userId: 'tuan', role: 'delegate' }], users, 'lac-son', true);
    expect(invited).toEqual([
      { userId: 'tuan', role: 'delegate' },
      { userId: 'ep-lac-son', role: 'endpoint' },
    ]);
    expect(withUnitEndpoints(invited, users, 'lac-son', true)).toEqual(invited);
    expect(withUnitEndpoints(invited, users, 'lac-son', false)).toEqual([{ userId: 'tuan', role: 'delegate' }]);
  });

  it('keeps one chair and gives endpoints their role', () => {
    const members = [
      { userId: 'a', role: 'chair' as const },
      { userId: 'b', role: 'delegate' as const },
    ];
    expect(withRole(members, 'b', 'chair')).toEqual([
      { userId: 'a', role: 'delegate' },
      { userId: 'b', role: 'chair' },
    ]);
    expect(defaultRole({ kind: 'endpoint' })).toBe('endpoint');
    expect(defaultRole({ kind: 'person' })).toBe('delegate');
  });
});
