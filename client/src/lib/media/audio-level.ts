/**
 * Loudness of one block of time-domain samples (an AnalyserNode's byte data, centred on 128) as
 * 0..1 on a perceptual scale: -60 dBFS and below shows empty, 0 dBFS full.
 */
export function levelFromTimeDomain(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sumOfSquares = 0;
  for (let i = 0; i < samples.length; i++) {
    const centred = (samples[i]! - 128) / 128;
    sumOfSquares += centred * centred;
  }
  const rms = Math.sqrt(sumOfSquares / samples.length);
  if (rms <= 0) return 0;
  const decibels = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (decibels + 60) / 60));
}

/** Falls slowly, rises at once: the meter reads steadily instead of flickering. */
export function smoothLevel(previous: number, next: number, decay = 0.85): number {
  return next >= previous ? next : previous * decay + next * (1 - decay);
}
