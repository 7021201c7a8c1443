import { describe, expect, it } from 'vitest';
import type { AgendaItem } from '@ehop/protocol';
import { dropInto, dropNextTo, indent, itemNumbers, moveDown, moveUp, outdent, plannedTotal } from '../src/lib/meeting-room/agenda-moves.js';
import { formatDuration } from '../src/lib/format.js';
import { clockOffsetMs, elapsedMs } from '../src/lib/meeting-room/server-clock.js';

const entry = (id: string, plannedMinutes = 10) => ({ id, title: id, presenterId: null, plannedMinutes });
const item = (id: string, children: string[] = []): AgendaItem => ({ ...entry(id), children: children.map((child) => entry(child)) });
/** a, b (b1, b2), c */
const items = [item('a'), item('b', ['b1', 'b2']), item('c')];

describe('agenda gestures as reorder requests', () => {
  it('drops before or after a top-level item, counting positions without the dragged item', () => {
    expect(dropNextTo(items, 'c', 'b', 'before')).toEqual({ itemId: 'c', parentId: null, index: 1 });
    expect(dropNextTo(items, 'a', 'c', 'after')).toEqual({ itemId: 'a', parentId: null, index: 2 });
    expect(dropNextTo(items, 'a', 'b', 'before')).toBeNull(); // already there
    expect(dropNextTo(items, 'a', 'a', 'after')).toBeNull();
  });

  it('drops among sub-items, but never an item that has sub-items', () => {
    expect(dropNextTo(items, 'c', 'b1', 'after')).toEqual({ itemId: 'c', parentId: 'b', index: 1 });
    expect(dropNextTo(items, 'b2', 'b1', 'before')).toEqual({ itemId: 'b2', parentId: 'b', index: 0 });
    expect(dropNextTo(items, 'b', 'b1', 'before')).toBeNull();
    expect(dropNextTo(items, 'b1', 'a', 'before')).toEqual({ itemId: 'b1', parentId: null, index: 0 });
  });

  it('drops into an item as its last sub-item', () => {
    expect(dropInto(items, 'c', 'b')).toEqual({ itemId: 'c', parentId: 'b', index: 2 });
    expect(dropInto(items, 'a', 'c')).toEqual({ itemId: 'a', parentId: 'c', index: 0 });
    expect(dropInto(items, 'b', 'a')).toBeNull();
    expect(dropInto(items, 'a', 'b1')).toBeNull();
    expect(dropInto(items, 'b2', 'b')).toBeNull(); // already last there
  });

  it('moves up and down among siblings, stopping at the ends', () => {
    expect(moveUp(items, 'b')).toEqual({ itemId: 'b', parentId: null, index: 0 });
    expect(moveUp(items, 'a')).toBeNull();
    expect(moveDown(items, 'b1')).toEqual({ itemId: 'b1', parentId: 'b', index: 1 });
    expect(moveDown(items, 'b2')).toBeNull();
    expect(moveDown(items, 'c')).toBeNull();
  });

  it('indents a childless item under the one above, and outdents a sub-item after its parent', () => {
    expect(indent(items, 'c')).toEqual({ itemId: 'c', parentId: 'b', index: 2 });
    expect(indent(items, 'a')).toBeNull();
    expect(indent(items, 'b')).toBeNull();
    expect(outdent(items, 'b1')).toEqual({ itemId: 'b1', parentId: null, index: 2 });
    expect(outdent(items, 'a')).toBeNull();
  });

  it('numbers items the way people cite them, and totals the plan', () => {
    expect([...itemNumbers(items)]).toEqual([['a', '1'], ['b', '2'], ['b1', '2.1'], ['b2', '2.2'], ['c', '3']]);
    expect(plannedTotal(items)).toBe(30);
  });
});

describe('elapsed time on a skewed clock', () => {
  it('corrects by the offset measured over a round trip', () => {
    // This device is 5 s behind the server; the request took 200 ms.
    const offset = clockOffsetMs(1_000_000, new Date(1_005_100).toISOString(), 1_000_200);
    expect(offset).toBe(5_000);
    expect(elapsedMs(new Date(1_005_000).toISOString(), 1_030_000, offset)).toBe(30_000);
    expect(elapsedMs(new Date(2_000_000).toISOString(), 1_000_000, 0)).toBe(0);
  });

  it('formats minutes and seconds, hours when needed', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65_900)).toBe('1:05');
    expect(formatDuration(20 * 60_000)).toBe('20:00');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
  });
});
