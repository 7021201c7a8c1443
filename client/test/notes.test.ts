import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { agendaOptions } from '../src/lib/documents/agenda-options.js';
import { Autosaver, type SaveStatus } from '../src/lib/documents/autosave.js';
import { normalizedRect } from '../src/lib/documents/highlight-geometry.js';
import { AppError } from '../src/lib/errors.js';

describe('a dragged highlight', () => {
  const page = { width: 400, height: 800 };

  it('is stored in fractions of the page, whichever way it was dragged', () => {
    expect(normalizedRect({ x: 300, y: 400 }, { x: 100, y: 200 }, page)).toEqual({ x: 0.25, y: 0.25, width: 0.5, height: 0.25 });
  });

  it('is the same at any zoom', () => {
    const zoomed = { width: 800, height: 1600 };
    expect(normalizedRect({ x: 200, y: 400 }, { x: 600, y: 800 }, zoomed)).toEqual(normalizedRect({ x: 100, y: 200 }, { x: 300, y: 400 }, page));
  });

  it('is clamped to the page and never passes its edge', () => {
    const rect = normalizedRect({ x: 123.456, y: -50 }, { x: 999, y: 333.333 }, page);
    expect(rect.x).toBeGreaterThanOrEqual(0);
    expect(rect.y).toBe(0);
    expect(rect.x + rect.width).toBeLessThanOrEqual(1);
  });
});

describe('agenda choices on upload', () => {
  it('numbers items and sub-items as the agenda does', () => {
    const entry = (id: string, title: string) => ({ id, title, presenterId: null, plannedMinutes: 10 });
    const items = [{ ...entry('a', 'Khai mạc'), children: [] }, { ...entry('b', 'Báo cáo'), children: [entry('b1', 'Kinh tế')] }];
    expect(agendaOptions(items)).toEqual([
      { id: 'a', label: '1. Khai mạc' },
      { id: 'b', label: '2. Báo cáo' },
      { id: 'b1', label: '2.1. Kinh tế' },
    ]);
  });
});

describe('autosave', () => {
  let saved: string[];
  let statuses: SaveStatus[];
  let failNext: AppError[];

  beforeEach(() => {
    vi.useFakeTimers();
    saved = [];
    statuses = [];
    failNext = [];
  });
  afterEach(() => vi.useRealTimers());

  const saver = () =>
    new Autosaver<string>(
      async (value) => {
        const failure = failNext.shift();
        if (failure) throw failure;
        saved.push(value);
      },
      { delayMs: 500, onStatus: (status) => statuses.push(status) },
    );

  it('saves once, the latest text, after a pause in typing', async () => {
    const autosave = saver();
    autosave.change('G');
    await vi.advanceTimersByTimeAsync(200);
    autosave.change('Gh');
    await vi.advanceTimersByTimeAsync(200);
    autosave.change('Ghi');
    expect(saved).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(saved).toEqual(['Ghi']);
    expect(autosave.status).toBe('saved');
    expect(autosave.unsaved()).toBeUndefined();
  });

  it('keeps retrying while the server is unreachable, and saves the newest text when it is back', async () => {
    const autosave = saver();
    failNext = [new AppError('network'), new AppError('network')];
    autosave.change('một');
    await vi.advanceTimersByTimeAsync(500);
    expect(autosave.status).toBe('retrying');
    expect(autosave.unsaved()).toBe('một');
    autosave.change('một hai');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(saved).toEqual(['một hai']);
    expect(autosave.status).toBe('saved');
    expect(statuses).toContain('retrying');
  });

  it('stops on a refusal and says so, keeping the text unsaved', async () => {
    const autosave = saver();
    failNext = [new AppError('forbidden')];
    autosave.change('x');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(saved).toEqual([]);
    expect(autosave.status).toBe('failed');
    expect(autosave.unsaved()).toBe('x');
  });

  it('saves what was typed while a save was on its way', async () => {
    let release: () => void = () => undefined;
    const values: string[] = [];
    const autosave = new Autosaver<string>(
      (value) => {
        values.push(value);
        return values.length === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
      },
      { delayMs: 100 },
    );
    autosave.change('a');
    await vi.advanceTimersByTimeAsync(100);
    autosave.change('ab');
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(values).toEqual(['a', 'ab']);
    expect(autosave.status).toBe('saved');
  });

  it('flush saves at once', async () => {
    const autosave = saver();
    autosave.change('ngay');
    await autosave.flush();
    expect(saved).toEqual(['ngay']);
  });
});
