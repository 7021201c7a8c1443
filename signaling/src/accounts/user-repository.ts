import { AdminUser, RequestError, User } from '@ehop/protocol';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

export interface StoredUser extends User {
  passwordHash: string;
  /** A disabled account cannot sign in, and its sessions stop working at once. */
  disabled?: boolean;
}

/** Fields an administrator can change after creation. */
export type UserChange = Partial<Pick<StoredUser, 'displayName' | 'unitId' | 'isAdmin' | 'passwordHash' | 'disabled'>>;

/** Users as Redis hashes, plus a username -> id index for login (also the list of all users). */
export class UserRepository {
  constructor(private readonly redis: RedisClient) {}

  async save(user: StoredUser): Promise<void> {
    await this.redis
      .multi()
      .hSet(keys.user(user.id), toFields(user))
      .hSet(keys.usernameIndex(), normalizeUsername(user.username), user.id)
      .exec();
  }

  /** Saves a new account; `conflict` when its username is taken (checked atomically). */
  async create(user: StoredUser): Promise<void> {
    const claimed = await this.redis.hSetNX(keys.usernameIndex(), normalizeUsername(user.username), user.id);
    if (!claimed) throw new RequestError('conflict', 'This username is already taken');
    await this.redis.hSet(keys.user(user.id), toFields(user));
  }

  /** Changes some fields of an existing account; false when there is no such account. */
  async update(userId: string, change: UserChange): Promise<boolean> {
    const stored = await this.getStored(userId);
    if (!stored) return false;
    await this.redis.hSet(keys.user(userId), toFields({ ...stored, ...change }));
    return true;
  }

  /** An active account; null for unknown and disabled ones (so they lose access everywhere). */
  async get(userId: string): Promise<User | null> {
    const stored = await this.getStored(userId);
    return stored && !stored.disabled ? toPublicUser(stored) : null;
  }

  /** The id of the account with this username, disabled or not; null when there is none. */
  async idForUsername(username: string): Promise<string | null> {
    return (await this.redis.hGet(keys.usernameIndex(), normalizeUsername(username))) ?? null;
  }

  /** The active user with their password hash: only for checking a login. */
  async findByUsername(username: string): Promise<StoredUser | null> {
    const userId = await this.idForUsername(username);
    const stored = userId ? await this.getStored(userId) : null;
    return stored && !stored.disabled ? stored : null;
  }

  async getMany(userIds: Iterable<string>): Promise<Map<string, User>> {
    const ids = [...new Set(userIds)];
    const users = await Promise.all(ids.map((id) => this.get(id)));
    return new Map(users.filter((user): user is User => user !== null).map((user) => [user.id, user]));
  }

  /** One account as administrators see it, disabled or not. */
  async getForAdmin(userId: string): Promise<AdminUser | null> {
    const stored = await this.getStored(userId);
    return stored ? toAdminUser(stored) : null;
  }

  /** Every account, disabled ones included, for the administration screen. */
  async listAll(): Promise<AdminUser[]> {
    const ids = await this.redis.hVals(keys.usernameIndex());
    const multi = this.redis.multi();
    for (const id of ids) multi.hGetAll(keys.user(id));
    const replies = (await multi.exec()) as unknown as Record<string, string>[];
    return replies.flatMap((fields) => {
      const stored = fromFields(fields);
      return stored ? [toAdminUser(stored)] : [];
    });
  }

  private async getStored(userId: string): Promise<StoredUser | null> {
    return fromFields(await this.redis.hGetAll(keys.user(userId)));
  }
}

/** Usernames are matched case-insensitively ("ChuTri" logs in as "chutri"). */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

function toFields(user: StoredUser): Record<string, string> {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    unitId: user.unitId,
    isAdmin: user.isAdmin ? '1' : '0',
    kind: user.kind,
    disabled: user.disabled ? '1' : '0',
    passwordHash: user.passwordHash,
  };
}

function fromFields(fields: Record<string, string>): StoredUser | null {
  if (!fields.id || !fields.passwordHash) return null;
  const user = User.parse({ ...fields, isAdmin: fields.isAdmin === '1', kind: fields.kind || undefined });
  return { ...user, passwordHash: fields.passwordHash, disabled: fields.disabled === '1' };
}

function toPublicUser({ passwordHash: _hash, disabled: _disabled, ...user }: StoredUser): User {
  return user;
}

function toAdminUser(stored: StoredUser): AdminUser {
  return { ...toPublicUser(stored), disabled: stored.disabled ?? false };
}
