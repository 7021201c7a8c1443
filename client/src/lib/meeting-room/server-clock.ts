/*
 * Elapsed time of the current agenda item, right on every device: the server stamps when the
 * item started, each client learns how far its own clock is from the server's and corrects.
 */

/**
 * Server clock minus local clock, from one request: sent at `sentAt`, answered at `receivedAt`
 * (local ms), stamped `serverTime` by the server, assumed halfway through the round trip.
 */
export function clockOffsetMs(sentAt: number, serverTime: string, receivedAt: number): number {
  return Date.parse(serverTime) - (sentAt + receivedAt) / 2;
}

/** Milliseconds since `startedAt` (server time) at local time `now`; never negative. */
export function elapsedMs(startedAt: string, now: number, offsetMs: number): number {
  return Math.max(0, now + offsetMs - Date.parse(startedAt));
}
