import { MEETING_ID, type FaultStack } from './fault-stack.js';
import type { MeetingEndpoint } from './meeting-endpoint.js';
import type { StreamBytes } from './inbound-streams.js';

const POLL_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The streams whose bytes grow at this endpoint now (over `windowMs`). */
export async function growingStreams(endpoint: MeetingEndpoint, windowMs = 1_500): Promise<string[]> {
  const before = await endpoint.inboundBytes();
  await sleep(windowMs);
  const after = await endpoint.inboundBytes();
  return [...after].filter(([label, bytes]) => bytes > (before.get(label) ?? Infinity)).map(([label]) => label).sort();
}

export interface MediaExpectation {
  endpoint: MeetingEndpoint;
  /** Streams it received before the fault: each must grow again. */
  streams: readonly string[];
  /**
   * Its join count before the fault, when the fault takes its media session away (or its
   * signaling node): growth counts only once it has joined again. Null: no rejoin is due.
   */
  joinsBefore: number | null;
}

/** Made before the fault: it remembers how often the endpoint had joined then. */
export function expectMedia(endpoint: MeetingEndpoint, streams: readonly string[], mustRejoin: boolean): MediaExpectation {
  return { endpoint, streams, joinsBefore: mustRejoin ? endpoint.joins : null };
}

/**
 * Waits until media is back at every receiver: each of its streams grew between two readings
 * taken after `since` (and after its rejoin, where one was due). Resolves to the ms from `since`;
 * rejects with what is still missing after `timeoutMs`.
 */
export async function waitForMediaBack(expectations: readonly MediaExpectation[], since: number, timeoutMs: number): Promise<number> {
  const previous = new Map<MeetingEndpoint, StreamBytes>();
  const missing = new Map<MeetingEndpoint, string[]>();
  while (performance.now() - since < timeoutMs) {
    const readAt = performance.now();
    missing.clear();
    for (const { endpoint, streams, joinsBefore } of expectations) {
      const bytes = await endpoint.inboundBytes();
      const last = previous.get(endpoint);
      previous.set(endpoint, bytes);
      const rejoined = joinsBefore === null || endpoint.joins > joinsBefore;
      const stalled = streams.filter((label) => !rejoined || !last || !((bytes.get(label) ?? 0) > (last.get(label) ?? Infinity)));
      if (stalled.length > 0) missing.set(endpoint, stalled);
    }
    if (missing.size === 0 && previous.size === expectations.length) return readAt - since;
    await sleep(POLL_MS);
  }
  const report = [...missing].map(([endpoint, stalled]) => `${endpoint.userId}: ${stalled.join(', ')}`).join('; ');
  throw new Error(`media not back after ${timeoutMs} ms at: ${report}`);
}

/**
 * Samples an endpoint's main-screen feed streams from now on: a floor holder must never receive
 * their own picture or voice back. `stop()` resolves to the bytes that arrived meanwhile.
 */
export function watchOwnFeed(endpoint: MeetingEndpoint): { stop(): Promise<{ video: number; audio: number }> } {
  let running = true;
  const received = { video: 0, audio: 0 };
  const sampling = (async () => {
    let last = await endpoint.inboundBytes();
    while (running) {
      await sleep(POLL_MS);
      const now = await endpoint.inboundBytes();
      for (const kind of ['video', 'audio'] as const) {
        const label = `feed:${kind}`;
        const grown = (now.get(label) ?? 0) - (last.get(label) ?? 0);
        // A rejoin starts the counter again from 0: a new consumer's first bytes count too.
        received[kind] += grown >= 0 ? grown : (now.get(label) ?? 0);
      }
      last = now;
    }
  })();
  return {
    async stop() {
      running = false;
      await sampling;
      return received;
    },
  };
}

/** What the servers hold about who is in the meeting: the SFU's peers, Redis presence, each roster. */
export interface Attendance {
  sfuPeers: number;
  presence: number;
  /** Per endpoint, the users its roster shows besides itself (sorted, duplicates kept). */
  rosters: Record<string, string[]>;
}

export async function attendanceSeen(stack: FaultStack, inMedia: readonly MeetingEndpoint[]): Promise<Attendance> {
  const presence = await redisPresenceCount(stack);
  const rosters = Object.fromEntries(inMedia.map((endpoint) => [endpoint.userId, [...endpoint.roster.values()].map((peer) => peer.userId).sort()]));
  return { sfuPeers: await stack.sfuProbe.peerCount(MEETING_ID), presence, rosters };
}

/** The attendance with no ghost: one peer per person at the SFU, in presence and on every roster. */
export function attendanceWithoutGhosts(inMedia: readonly MeetingEndpoint[]): Attendance {
  const everyone = inMedia.map((endpoint) => endpoint.userId);
  const rosters = Object.fromEntries(everyone.map((userId) => [userId, everyone.filter((other) => other !== userId).sort()]));
  return { sfuPeers: inMedia.length, presence: inMedia.length, rosters };
}

/** Polls until the attendance has no ghost; resolves to the last reading (compare it in the test). */
export async function settledAttendance(stack: FaultStack, inMedia: readonly MeetingEndpoint[], timeoutMs: number): Promise<Attendance> {
  const wanted = JSON.stringify(attendanceWithoutGhosts(inMedia));
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const seen = await attendanceSeen(stack, inMedia).catch(() => null);
    if ((seen && JSON.stringify(seen) === wanted) || performance.now() > deadline) return seen ?? attendanceWithoutGhosts([]);
    await sleep(POLL_MS);
  }
}

async function redisPresenceCount(stack: FaultStack): Promise<number> {
  const { createClient } = await import('redis');
  const redis = createClient({ url: stack.redis.url });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await redis.hLen(`meeting:${MEETING_ID}:peers`);
  } catch {
    return -1;
  } finally {
    await redis.disconnect().catch(() => undefined);
  }
}

/** Retries a read that may fail while a server is coming back (Redis restarting, a socket reconnecting). */
export async function eventually<T>(read: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await sleep(POLL_MS);
    }
  }
}
