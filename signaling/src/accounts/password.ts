import { hash, verify } from '@node-rs/argon2';
import { RequestError } from '@ehop/protocol';
import pLimit from 'p-limit';

/*
 * argon2id (the library's default algorithm) with OWASP's minimum recommended cost:
 * 19 MiB of memory, 2 passes, 1 lane. The parameters are stored inside each hash, so they can be
 * raised later without invalidating existing passwords.
 */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/*
 * argon2 runs on libuv's threadpool (4 threads by default), which reading files also uses: a flood
 * of sign-ins hashing on every thread made document downloads wait behind them. So at most a few
 * hashes run at once, a bounded number wait, and beyond that a request is refused at once
 * (`rate_limited`, try again in a second) instead of queueing without end. Process-wide, like the
 * threadpool itself.
 */
const hashing = pLimit(1);
let maxWaiting = 64;

/** How many hashes may run at once and how many may wait (PASSWORD_HASHES_AT_ONCE, PASSWORD_HASHES_QUEUED). */
export function limitPasswordHashing(limits: { atOnce: number; queued: number }): void {
  hashing.concurrency = limits.atOnce;
  maxWaiting = limits.queued;
}

function inHashingSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashing.pendingCount >= maxWaiting) {
    return Promise.reject(new RequestError('rate_limited', 'The server is busy checking passwords; try again in a moment', { retryAfterSec: 1 }));
  }
  return hashing(work);
}

export function hashPassword(password: string): Promise<string> {
  return inHashingSlot(() => hash(password, ARGON2_OPTIONS));
}

/** False for a wrong password or an unreadable stored hash; refused (`rate_limited`) only when too many wait. */
export function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  return inHashingSlot(() => verify(storedHash, password).catch(() => false));
}

let dummyHash: Promise<string> | undefined;

/** A real hash made with the same parameters as users' hashes, so checking it costs the same. */
export function dummyPasswordHash(): Promise<string> {
  // Not kept when it failed (the server was busy): the next attempt makes it.
  dummyHash ??= hashPassword('no-such-user-dummy-password').catch((error: unknown) => {
    dummyHash = undefined;
    throw error;
  });
  return dummyHash;
}

/**
 * Spends the same time as checking a real password. Used when the username does not exist,
 * so response times do not tell an attacker which usernames are real.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(await dummyPasswordHash(), password);
  return false;
}
