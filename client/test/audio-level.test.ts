import { describe, expect, it } from 'vitest';
import { levelFromTimeDomain, smoothLevel } from '../src/lib/media/audio-level.js';

describe('levelFromTimeDomain', () => {
  it('is 0 for silence (all samples at the 128 midpoint) and for no samples', () => {
    expect(levelFromTimeDomain(new Uint8Array(256).fill(128))).toBe(0);
    expect(levelFromTimeDomain(new Uint8Array(0))).toBe(0);
  });

  it('is 1 for a full-scale square wave', () => {
    const samples = Uint8Array.from({ length: 256 }, (_, i) => (i % 2 === 0 ? 0 : 256 - 0.0001));
    expect(levelFromTimeDomain(samples)).toBeCloseTo(1, 2);
  });

  it('grows with loudness', () => {
    const sine = (amplitude: number) => Uint8Array.from({ length: 512 }, (_, i) => 128 + amplitude * Math.sin(i / 5));
    const quiet = levelFromTimeDomain(sine(4));
    const loud = levelFromTimeDomain(sine(100));
    expect(quiet).toBeGreaterThan(0);
    expect(loud).toBeGreaterThan(quiet);
    expect(loud).toBeLessThanOrEqual(1);
  });
});

describe('smoothLevel', () => {
  it('rises at once and falls gradually', () => {
    expect(smoothLevel(0.2, 0.8)).toBe(0.8);
    const fallen = smoothLevel(0.8, 0);
    expect(fallen).toBeLessThan(0.8);
    expect(fallen).toBeGreaterThan(0);
  });
});
