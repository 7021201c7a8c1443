import { randomBytes } from 'node:crypto';
import { RequestError, type Unit, type UnitLevel } from '@ehop/protocol';

/*
 * The organisational tree is the Vietnamese administration: a province (tỉnh) at the root,
 * districts (huyện) under a province, communes (xã) under a district. Nothing else nests.
 */

const PARENT_LEVEL: Record<UnitLevel, UnitLevel | null> = {
  province: null,
  district: 'province',
  commune: 'district',
};

export function parentLevelOf(level: UnitLevel): UnitLevel | null {
  return PARENT_LEVEL[level];
}

/** A province has no parent; a district sits under a province; a commune under a district. */
export function requireValidPlacement(level: UnitLevel, parent: Unit | null): void {
  const expected = PARENT_LEVEL[level];
  if (expected === null) {
    if (parent) throw new RequestError('invalid_payload', 'A province is not placed under another unit');
    return;
  }
  if (!parent) throw new RequestError('invalid_payload', `A ${level} needs a parent ${expected}`);
  if (parent.level !== expected) {
    throw new RequestError('invalid_payload', `A ${level} belongs under a ${expected}, not a ${parent.level}`);
  }
}

export interface UnitContents {
  childUnits: number;
  accounts: number;
}

/** Only an empty unit can be deleted, so no account and no sub-unit is ever left orphaned. */
export function requireEmpty(contents: UnitContents): void {
  if (contents.childUnits > 0 || contents.accounts > 0) {
    throw new RequestError(
      'conflict',
      `This unit still has ${contents.childUnits} sub-unit(s) and ${contents.accounts} account(s); move or delete them first`,
    );
  }
}

export function contentsOf(unitId: string, units: readonly Unit[], accountUnitIds: readonly string[]): UnitContents {
  return {
    childUnits: units.filter((unit) => unit.parentId === unitId).length,
    accounts: accountUnitIds.filter((id) => id === unitId).length,
  };
}

/** "Xã Ân Nghĩa" -> "xa-an-nghia-k3f9": readable in logs and URLs, unique by its suffix. */
export function newUnitId(name: string): string {
  const slug = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const suffix = randomBytes(3).toString('hex');
  return slug ? `${slug}-${suffix}` : `unit-${suffix}`;
}
