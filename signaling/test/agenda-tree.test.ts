import { describe, expect, it } from 'vitest';
import type { AgendaItem } from '@ehop/protocol';
import { addEntry, entryIds, locateEntry, moveEntry, removeEntry, updateEntry } from '../src/agenda/agenda-tree.js';

const entry = (id: string) => ({ id, title: `Item ${id}`, presenterId: null, plannedMinutes: 10 });
const item = (id: string, children: string[] = []): AgendaItem => ({ ...entry(id), children: children.map(entry) });

/** a, b (b1, b2), c, d */
const agenda: AgendaItem[] = [item('a'), item('b', ['b1', 'b2']), item('c'), item('d')];

/** The shape of an agenda as "a b(b1 b2) c": easy to read in assertions. */
function shape(items: AgendaItem[]): string {
  return items.map((i) => (i.children.length ? `${i.id}(${i.children.map((c) => c.id).join(' ')})` : i.id)).join(' ');
}

describe('moving agenda items', () => {
  it('reorders top-level items, the index counted without the moved item', () => {
    expect(shape(moveEntry(agenda, 'd', null, 2))).toBe('a b(b1 b2) d c');
    expect(shape(moveEntry(agenda, 'a', null, 3))).toBe('b(b1 b2) c d a');
    expect(shape(moveEntry(agenda, 'c', null, 0))).toBe('c a b(b1 b2) d');
  });

  it('moves an item together with its sub-items', () => {
    expect(shape(moveEntry(agenda, 'b', null, 3))).toBe('a c d b(b1 b2)');
  });

  it('reorders sub-items within their item', () => {
    expect(shape(moveEntry(agenda, 'b2', 'b', 0))).toBe('a b(b2 b1) c d');
  });

  it('turns a sub-item into a top-level item and back', () => {
    const promoted = moveEntry(agenda, 'b1', null, 0);
    expect(shape(promoted)).toBe('b1 a b(b2) c d');
    expect(shape(moveEntry(promoted, 'b1', 'b', 1))).toBe('a b(b2 b1) c d');
  });

  it('makes a childless top-level item a sub-item', () => {
    expect(shape(moveEntry(agenda, 'c', 'b', 1))).toBe('a b(b1 c b2) d');
  });

  it('keeps one level of nesting: no item with sub-items under another, nothing under a sub-item', () => {
    expect(() => moveEntry(agenda, 'b', 'a', 0)).toThrow(expect.objectContaining({ code: 'invalid_payload' }));
    expect(() => moveEntry(agenda, 'a', 'b1', 0)).toThrow(expect.objectContaining({ code: 'invalid_payload' }));
    expect(() => moveEntry(agenda, 'a', 'a', 0)).toThrow(expect.objectContaining({ code: 'invalid_payload' }));
  });

  it('refuses unknown items and positions past the end, and never changes its input', () => {
    const before = structuredClone(agenda);
    expect(() => moveEntry(agenda, 'zz', null, 0)).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => moveEntry(agenda, 'a', 'zz', 0)).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => moveEntry(agenda, 'a', null, 4)).toThrow(expect.objectContaining({ code: 'invalid_payload' }));
    expect(() => moveEntry(agenda, 'a', 'b', 3)).toThrow(expect.objectContaining({ code: 'invalid_payload' }));
    moveEntry(agenda, 'd', null, 0);
    expect(agenda).toEqual(before);
  });

  it('moves to the last position exactly', () => {
    expect(shape(moveEntry(agenda, 'a', null, 3))).toBe('b(b1 b2) c d a');
    expect(shape(moveEntry(agenda, 'a', 'b', 2))).toBe('b(b1 b2 a) c d');
  });
});

describe('editing agenda items', () => {
  it('adds items at the end of the top level or of an item', () => {
    expect(shape(addEntry(agenda, null, entry('e')))).toBe('a b(b1 b2) c d e');
    expect(shape(addEntry(agenda, 'c', entry('c1')))).toBe('a b(b1 b2) c(c1) d');
    expect(() => addEntry(agenda, 'b1', entry('x'))).toThrow(expect.objectContaining({ code: 'invalid_payload' }));
    expect(() => addEntry(agenda, 'zz', entry('x'))).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('updates an item or a sub-item in place', () => {
    const fields = { title: 'Báo cáo', presenterId: 'u-1', plannedMinutes: 25 };
    expect(locateEntry(updateEntry(agenda, 'b2', fields), 'b2')).toMatchObject({ entry: { id: 'b2', ...fields }, parentId: 'b', index: 1 });
    expect(locateEntry(updateEntry(agenda, 'b', fields), 'b')?.children).toHaveLength(2);
  });

  it('removes an item with its sub-items, or a single sub-item', () => {
    expect(entryIds(removeEntry(agenda, 'b'))).toEqual(['a', 'c', 'd']);
    expect(shape(removeEntry(agenda, 'b1'))).toBe('a b(b2) c d');
    expect(() => removeEntry(agenda, 'zz')).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});
