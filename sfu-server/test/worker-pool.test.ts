import { describe, expect, it } from 'vitest';
import { pickLeastLoaded } from '../src/media/worker-pool.js';

describe('pickLeastLoaded', () => {
  const load = (worker: { rooms: number }) => worker.rooms;

  it('picks the worker carrying the fewest rooms', () => {
    const workers = [{ pid: 1, rooms: 3 }, { pid: 2, rooms: 1 }, { pid: 3, rooms: 2 }];
    expect(pickLeastLoaded(workers, load)?.pid).toBe(2);
  });

  it('picks the first of equally loaded workers', () => {
    expect(pickLeastLoaded([{ pid: 1, rooms: 0 }, { pid: 2, rooms: 0 }], load)?.pid).toBe(1);
  });

  it('returns undefined when no worker runs', () => {
    expect(pickLeastLoaded([], load)).toBeUndefined();
  });
});
