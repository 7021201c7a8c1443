import { RequestError, type AgendaEntry, type AgendaItem } from '@ehop/protocol';

/*
 * Pure operations on an agenda's items (two levels: items and their sub-items). Each returns a
 * new list and leaves its input untouched; a request that makes no sense throws a RequestError.
 */

export const MAX_TOP_LEVEL_ITEMS = 100;
export const MAX_SUB_ITEMS = 50;

export interface EntryLocation {
  entry: AgendaEntry;
  /** The top-level item it belongs to, null for a top-level item. */
  parentId: string | null;
  index: number;
  /** Its sub-items (always empty for a sub-item). */
  children: AgendaEntry[];
}

export function locateEntry(items: readonly AgendaItem[], id: string): EntryLocation | null {
  for (const [index, item] of items.entries()) {
    if (item.id === id) return { entry: entryOf(item), parentId: null, index, children: item.children };
    const childIndex = item.children.findIndex((child) => child.id === id);
    if (childIndex >= 0) return { entry: item.children[childIndex]!, parentId: item.id, index: childIndex, children: [] };
  }
  return null;
}

export function entryIds(items: readonly AgendaItem[]): string[] {
  return items.flatMap((item) => [item.id, ...item.children.map((child) => child.id)]);
}

export function addEntry(items: readonly AgendaItem[], parentId: string | null, entry: AgendaEntry): AgendaItem[] {
  if (parentId === null) {
    if (items.length >= MAX_TOP_LEVEL_ITEMS) throw new RequestError('invalid_payload', 'The agenda is full');
    return [...items, { ...entry, children: [] }];
  }
  const parent = requireTopLevelParent(items, parentId);
  if (parent.children.length >= MAX_SUB_ITEMS) throw new RequestError('invalid_payload', 'This item has too many sub-items');
  return items.map((item) => (item.id === parentId ? { ...item, children: [...item.children, entry] } : item));
}

export function updateEntry(items: readonly AgendaItem[], id: string, fields: Omit<AgendaEntry, 'id'>): AgendaItem[] {
  requireEntry(items, id);
  const apply = <E extends AgendaEntry>(entry: E): E => (entry.id === id ? { ...entry, ...fields, id } : entry);
  return items.map((item) => ({ ...apply(item), children: item.children.map(apply) }));
}

/** Removes an item, and its sub-items with it. */
export function removeEntry(items: readonly AgendaItem[], id: string): AgendaItem[] {
  requireEntry(items, id);
  return items
    .filter((item) => item.id !== id)
    .map((item) => ({ ...item, children: item.children.filter((child) => child.id !== id) }));
}

/**
 * Moves `id` to position `index` among the children of `parentId` (null: the top level), the
 * index counted once the entry is taken out. Only one level of nesting: an item that has
 * sub-items cannot become a sub-item, and nothing goes under a sub-item.
 */
export function moveEntry(items: readonly AgendaItem[], id: string, parentId: string | null, index: number): AgendaItem[] {
  const moving = requireEntry(items, id);
  if (parentId === id) throw new RequestError('invalid_payload', 'An item cannot go under itself');
  if (parentId !== null) {
    requireTopLevelParent(items, parentId);
    if (moving.children.length > 0) {
      throw new RequestError('invalid_payload', 'An item with sub-items stays at the top level');
    }
  }
  const without = removeEntry(items, id);
  if (parentId === null) {
    if (index > without.length) throw new RequestError('invalid_payload', `Position ${index} is past the end`);
    return insertAt(without, index, { ...moving.entry, children: moving.children });
  }
  return without.map((item) => {
    if (item.id !== parentId) return item;
    if (index > item.children.length) throw new RequestError('invalid_payload', `Position ${index} is past the end`);
    if (item.children.length >= MAX_SUB_ITEMS) throw new RequestError('invalid_payload', 'This item has too many sub-items');
    return { ...item, children: insertAt(item.children, index, moving.entry) };
  });
}

function requireEntry(items: readonly AgendaItem[], id: string): EntryLocation {
  const location = locateEntry(items, id);
  if (!location) throw new RequestError('not_found', 'No such agenda item');
  return location;
}

function requireTopLevelParent(items: readonly AgendaItem[], parentId: string): AgendaItem {
  const parent = items.find((item) => item.id === parentId);
  if (parent) return parent;
  if (locateEntry(items, parentId)) throw new RequestError('invalid_payload', 'A sub-item cannot have sub-items');
  throw new RequestError('not_found', 'No such agenda item');
}

function entryOf({ id, title, presenterId, plannedMinutes }: AgendaEntry): AgendaEntry {
  return { id, title, presenterId, plannedMinutes };
}

function insertAt<T>(list: readonly T[], index: number, value: T): T[] {
  return [...list.slice(0, index), value, ...list.slice(index)];
}
