import type { User } from '@ehop/protocol';
import { verifyAgainstDummy, verifyPassword } from './password.js';
import type { UserRepository } from './user-repository.js';

/** The user when username and password match, null otherwise (without saying which part was wrong). */
export async function authenticate(users: UserRepository, username: string, password: string): Promise<User | null> {
  const stored = await users.findByUsername(username);
  if (!stored) return verifyAgainstDummy(password).then(() => null);
  if (!(await verifyPassword(stored.passwordHash, password))) return null;
  const { passwordHash: _omitted, ...user } = stored;
  return user;
}
