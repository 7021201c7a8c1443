import { hash, verify } from '@node-rs/argon2';

/*
 * argon2id (the library's default algorithm) with OWASP's minimum recommended cost:
 * 19 MiB of memory, 2 passes, 1 lane. The parameters are stored inside each hash, so they can be
 * raised later without invalidating existing passwords.
 */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** False (never an exception) for a wrong password or an unreadable stored hash. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/** A real hash made with the same parameters as users' hashes, so checking it costs the same. */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('no-such-user-dummy-password');
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
