import type { PeerInfo, Unit, UnitGroup } from '@ehop/protocol';
import { comparePeers } from '../media/peer-roster.js';

/** Thumbnails are grouped by district; the province's own endpoints form a group too. */
export function groupIdOf(unit: Unit): string {
  return unit.level === 'commune' && unit.parentId ? unit.parentId : unit.id;
}

export interface ThumbnailGroup<T> {
  /** null: units the meeting's groups do not name. */
  group: UnitGroup | null;
  items: T[];
}

export interface ThumbnailPage<T> {
  /** The current page's thumbnails, grouped, in display order. */
  groups: ThumbnailGroup<T>[];
  /** The same items flat: what this participant asks the server to send. */
  visible: T[];
  page: number;
  pageCount: number;
  total: number;
}

export const ALL_GROUPS = 'all';

/**
 * Sorts the thumbnails by group (province first, then districts as the server ordered them) and
 * within a group chair first, then by role, level and name; filters by group; cuts one page.
 */
export function thumbnailPage<T extends { info: PeerInfo }>(
  items: readonly T[],
  groups: readonly UnitGroup[],
  filter: string,
  page: number,
  pageSize: number,
): ThumbnailPage<T> {
  const groupIndex = new Map(groups.map((group, index) => [group.id, index]));
  const rank = (item: T) => groupIndex.get(groupIdOf(item.info.unit)) ?? groups.length;
  const filtered = items.filter((item) => filter === ALL_GROUPS || groupIdOf(item.info.unit) === filter);
  const sorted = [...filtered].sort((a, b) => rank(a) - rank(b) || comparePeers(a.info, b.info));
  const pageCount = Math.max(1, Math.ceil(sorted.length / pageSize));
  const current = Math.min(Math.max(0, page), pageCount - 1);
  const visible = sorted.slice(current * pageSize, (current + 1) * pageSize);
  const byGroup: ThumbnailGroup<T>[] = [];
  for (const item of visible) {
    const group = groups.find((candidate) => candidate.id === groupIdOf(item.info.unit)) ?? null;
    const last = byGroup.at(-1);
    if (last && last.group?.id === group?.id) last.items.push(item);
    else byGroup.push({ group, items: [item] });
  }
  return { groups: byGroup, visible, page: current, pageCount, total: sorted.length };
}

/** Most thumbnails one page shows, and so receives (the low layer of each), whatever the screen. */
export const MAX_PAGE_SIZE = 8;

/**
 * How many other endpoints one page shows: as many tiles as fit on one row of the strip beside
 * this participant's own tile (so every tile and its name is on screen), at least one, at most
 * `MAX_PAGE_SIZE`.
 */
export function pageSizeFor(stripWidth: number, tileWidth: number, gap: number): number {
  const tiles = Math.floor((stripWidth + gap) / (tileWidth + gap));
  return Math.min(MAX_PAGE_SIZE, Math.max(1, tiles - 1));
}
