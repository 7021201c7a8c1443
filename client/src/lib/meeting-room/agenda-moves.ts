import type { AgendaEntry, AgendaItem } from '@ehop/protocol';

/*
 * Where an item goes, in the terms of `agenda:reorder` (a parent, null for the top level, and
 * an index counted once the item is taken out), for each gesture the agenda offers: drag and
 * drop, move up / down, make a sub-item (indent) and back (outdent). Null: not possible.
 */

export interface AgendaMove {
  itemId: string;
  parentId: string | null;
  index: number;
}

interface Located {
  entry: AgendaEntry;
  parentId: string | null;
  index: number;
  hasChildren: boolean;
}

export function locate(items: readonly AgendaItem[], id: string): Located | null {
  for (const [index, item] of items.entries()) {
    if (item.id === id) return { entry: item, parentId: null, index, hasChildren: item.children.length > 0 };
    const childIndex = item.children.findIndex((child) => child.id === id);
    if (childIndex >= 0) return { entry: item.children[childIndex]!, parentId: item.id, index: childIndex, hasChildren: false };
  }
  return null;
}

function siblingIds(items: readonly AgendaItem[], parentId: string | null): string[] {
  if (parentId === null) return items.map((item) => item.id);
  return items.find((item) => item.id === parentId)?.children.map((child) => child.id) ?? [];
}

/** Dropped before or after `targetId`: the dragged item joins the target's level, next to it. */
export function dropNextTo(items: readonly AgendaItem[], dragId: string, targetId: string, place: 'before' | 'after'): AgendaMove | null {
  const dragged = locate(items, dragId);
  const target = locate(items, targetId);
  if (!dragged || !target || dragId === targetId) return null;
  // One level of nesting: an item with sub-items cannot land among sub-items.
  if (target.parentId !== null && dragged.hasChildren) return null;
  const siblings = siblingIds(items, target.parentId).filter((id) => id !== dragId);
  const index = siblings.indexOf(targetId) + (place === 'after' ? 1 : 0);
  const move = { itemId: dragId, parentId: target.parentId, index };
  return isNoOp(dragged, move) ? null : move;
}

/** Dropped onto an item's "sub-items" zone: becomes its last sub-item. */
export function dropInto(items: readonly AgendaItem[], dragId: string, parentId: string): AgendaMove | null {
  const dragged = locate(items, dragId);
  const parent = locate(items, parentId);
  if (!dragged || !parent || dragId === parentId || parent.parentId !== null || dragged.hasChildren) return null;
  const index = siblingIds(items, parentId).filter((id) => id !== dragId).length;
  const move = { itemId: dragId, parentId, index };
  return isNoOp(dragged, move) ? null : move;
}

export function moveUp(items: readonly AgendaItem[], id: string): AgendaMove | null {
  const located = locate(items, id);
  if (!located || located.index === 0) return null;
  return { itemId: id, parentId: located.parentId, index: located.index - 1 };
}

export function moveDown(items: readonly AgendaItem[], id: string): AgendaMove | null {
  const located = locate(items, id);
  if (!located || located.index >= siblingIds(items, located.parentId).length - 1) return null;
  return { itemId: id, parentId: located.parentId, index: located.index + 1 };
}

/** A childless top-level item becomes the last sub-item of the item above it. */
export function indent(items: readonly AgendaItem[], id: string): AgendaMove | null {
  const located = locate(items, id);
  if (!located || located.parentId !== null || located.hasChildren || located.index === 0) return null;
  const above = items[located.index - 1]!;
  return { itemId: id, parentId: above.id, index: above.children.length };
}

/** A sub-item becomes a top-level item right after its parent. */
export function outdent(items: readonly AgendaItem[], id: string): AgendaMove | null {
  const located = locate(items, id);
  if (!located || located.parentId === null) return null;
  const parentIndex = items.findIndex((item) => item.id === located.parentId);
  return { itemId: id, parentId: null, index: parentIndex + 1 };
}

function isNoOp(dragged: Located, move: AgendaMove): boolean {
  return dragged.parentId === move.parentId && dragged.index === move.index;
}

/** "1", "2", "2.1": how people refer to agenda items ("mục 2.1"). */
export function itemNumbers(items: readonly AgendaItem[]): Map<string, string> {
  const numbers = new Map<string, string>();
  items.forEach((item, index) => {
    numbers.set(item.id, String(index + 1));
    item.children.forEach((child, childIndex) => numbers.set(child.id, `${index + 1}.${childIndex + 1}`));
  });
  return numbers;
}

/** Total planned minutes (an item with sub-items counts its own planned time, which covers them). */
export function plannedTotal(items: readonly AgendaItem[]): number {
  return items.reduce((sum, item) => sum + item.plannedMinutes, 0);
}
