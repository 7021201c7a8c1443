import { User } from '@ehop/protocol';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

export interface StoredUser extends User {
  passwordHash: string;
}

/** Users as Redis hashes, plus a username -> id index for login. */
export class UserRepository {
  constructor(private readonly redis: RedisClient) {}

  async save(user: StoredUser): Promise<void> {
    await this.redis
      .multi()
      .hSet(keys.user(user.id), {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        unitId: user.unitId,
        isAdmin: user.isAdmin ? '1' : '0',
        passwordHash: user.passwordHash,
      })
      .hSet(keys.usernameIndex(), normalizeUsername(user.username), user.id)
      .exec();
  }

  async get(userId: string): Promise<User | null> {
    const stored = await this.getStored(userId);
    return stored ? toPublicUser(stored) : null;
  }

  /** The user with their password hash: only for checking a login. */
  async findByUsername(username: string): Promise<StoredUser | null> {
    const userId = await this.redis.hGet(keys.usernameIndex(), normalizeUsername(username));
    return userId ? this.getStored(userId) : null;
  }

  async getMany(userIds: Iterable<string>): Promise<Map<string, User>> {
    const ids = [...new Set(userIds)];
    const users = await Promise.all(ids.map((id) => this.get(id)));
    return new Map(users.filter((user): user is User => user !== null).map((user) => [user.id, user]));
  }

  private async getStored(userId: string): Promise<StoredUser | null> {
    const fields = await this.redis.hGetAll(keys.user(userId));
    if (!fields.id || !fields.passwordHash) return null;
    const user = User.parse({ ...fields, isAdmin: fields.isAdmin === '1' });
    return { ...user, passwordHash: fields.passwordHash };
  }
}

/** Usernames are matched case-insensitively ("ChuTri" logs in as "chutri"). */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

function toPublicUser({ passwordHash: _omitted, ...user }: StoredUser): User {
  return user;
}
