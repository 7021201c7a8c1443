import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleControls } from '../src/lib/conference/idle-controls.js';
import { countPresence } from '../src/lib/conference/presence-count.js';

describe('hall TV controls', () => {
  let shown: boolean[];
  let controls: IdleControls;

  beforeEach(() => {
    vi.useFakeTimers();
    shown = [];
    controls = new IdleControls(4000, (visible) => shown.push(visible));
  });
  afterEach(() => {
    controls.stop();
    vi.useRealTimers();
  });

  it('hide a few seconds after the last activity and come back with the next', () => {
    controls.activity();
    vi.advanceTimersByTime(3999);
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(shown).toEqual([false]);
    controls.activity();
    expect(shown).toEqual([false, true]);
    vi.advanceTimersByTime(2000);
    controls.activity(); // the pointer moved again: the count starts over
    vi.advanceTimersByTime(3999);
    expect(shown).toEqual([false, true]);
    vi.advanceTimersByTime(1);
    expect(shown).toEqual([false, true, false]);
  });

  it('stay while held (keyboard focus in them, the pointer on them), and hide after the delay once let go', () => {
    controls.activity();
    vi.advanceTimersByTime(5000);
    controls.hold(true);
    expect(shown).toEqual([false, true]);
    vi.advanceTimersByTime(60_000);
    expect(shown).toEqual([false, true]);
    controls.hold(false);
    vi.advanceTimersByTime(3999);
    expect(shown).toEqual([false, true]);
    vi.advanceTimersByTime(1);
    expect(shown).toEqual([false, true, false]);
  });

  it('do nothing once stopped', () => {
    controls.activity();
    controls.stop();
    vi.advanceTimersByTime(10_000);
    expect(shown).toEqual([]);
  });
});

describe('the room header count', () => {
  it('counts hall endpoints and people apart, each user once however many devices', () => {
    expect(
      countPresence([
        { userId: 'u-chutri', role: 'chair' },
        { userId: 'u-thuky', role: 'secretary' },
        { userId: 'u-daibieu1', role: 'delegate' },
        { userId: 'u-daibieu1', role: 'delegate' }, // a laptop and a tablet
        { userId: 'u-diemcau-xa', role: 'endpoint' },
        { userId: 'u-diemcau-huyen', role: 'endpoint' },
        { userId: 'u-admin', role: 'observer' },
      ]),
    ).toEqual({ endpoints: 2, people: 4 });
    expect(countPresence([])).toEqual({ endpoints: 0, people: 0 });
  });
});
