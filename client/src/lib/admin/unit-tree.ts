import type { AdminUser, Unit, UnitLevel } from '@ehop/protocol';

/*
 * The organisational tree as the administration screen shows it: province -> districts ->
 * communes, each unit with its endpoint accounts and its people. Pure, so it is unit-tested.
 */

export interface UnitNode {
  unit: Unit;
  children: UnitNode[];
  endpoints: AdminUser[];
  people: AdminUser[];
}

const collator = new Intl.Collator('vi');
const byName = (a: { name: string }, b: { name: string }) => collator.compare(a.name, b.name);
const byDisplayName = (a: AdminUser, b: AdminUser) => collator.compare(a.displayName, b.displayName);

/** Roots are units without a parent (or whose parent is gone, so nothing is ever hidden). */
export function buildUnitTree(units: readonly Unit[], users: readonly AdminUser[]): UnitNode[] {
  const ids = new Set(units.map((unit) => unit.id));
  const node = (unit: Unit): UnitNode => ({
    unit,
    children: units.filter((child) => child.parentId === unit.id).sort(byName).map(node),
    endpoints: users.filter((user) => user.unitId === unit.id && user.kind === 'endpoint').sort(byDisplayName),
    people: users.filter((user) => user.unitId === unit.id && user.kind !== 'endpoint').sort(byDisplayName),
  });
  return units.filter((unit) => unit.parentId === null || !ids.has(unit.parentId)).sort(byName).map(node);
}

const CHILD_LEVEL: Record<UnitLevel, UnitLevel | null> = { province: 'district', district: 'commune', commune: null };
const PARENT_LEVEL: Record<UnitLevel, UnitLevel | null> = { province: null, district: 'province', commune: 'district' };

/** The level of units created under one of `level` (null: communes have none). */
export function childLevel(level: UnitLevel): UnitLevel | null {
  return CHILD_LEVEL[level];
}

/** Where a unit may be moved: the other units of its parent's level (none for a province). */
export function possibleParents(units: readonly Unit[], unit: Unit): Unit[] {
  const level = PARENT_LEVEL[unit.level];
  return level ? units.filter((candidate) => candidate.level === level).sort(byName) : [];
}

/** Only an empty unit can be deleted (the server checks it too). */
export function isEmptyUnit(units: readonly Unit[], users: readonly AdminUser[], unitId: string): boolean {
  return !units.some((unit) => unit.parentId === unitId) && !users.some((user) => user.unitId === unitId);
}

/** The unit and everything below it, e.g. to invite a whole district. */
export function unitWithDescendants(units: readonly Unit[], unitId: string): string[] {
  const below = units.filter((unit) => unit.parentId === unitId).flatMap((unit) => unitWithDescendants(units, unit.id));
  return [unitId, ...below];
}
