/**
 * Seconds left of a speaking time, by the server's clock: `clockOffsetMs` is how far the server's
 * clock is ahead of this device's (from `serverTime` in the conference state). Negative: overtime.
 */
export function remainingSeconds(endsAt: string, nowMs: number, clockOffsetMs: number): number {
  return Math.ceil((new Date(endsAt).getTime() - (nowMs + clockOffsetMs)) / 1000);
}

/** "02:05", "-00:12" in overtime, "1:02:05" past an hour. */
export function formatClock(totalSeconds: number): string {
  const sign = totalSeconds < 0 ? '-' : '';
  const seconds = Math.abs(totalSeconds);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const two = (value: number) => String(value).padStart(2, '0');
  return hours > 0 ? `${sign}${hours}:${two(minutes)}:${two(rest)}` : `${sign}${two(minutes)}:${two(rest)}`;
}

/** The offset to apply to this device's clock so it reads the server's time. */
export function clockOffset(serverTime: string, receivedAtMs: number): number {
  return new Date(serverTime).getTime() - receivedAtMs;
}
