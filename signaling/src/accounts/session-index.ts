import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/**
 * Which sessions each account has, so that all of them can be ended at once: when an
 * administrator resets the password or disables the account, whoever knew the old password (or
 * stole a cookie) is out everywhere, on every node, with their open sockets.
 *
 * express-session keeps each session as `sess:<id>` with a TTL; this index is a set per user,
 * pruned of expired sessions whenever a session is added (it has no TTL of its own, since a
 * rolling session can outlive its login by any amount).
 */
export class SessionIndex {
  constructor(
    private readonly redis: RedisClient,
    /** Closes the sockets opened with a session, on every node. */
    private readonly disconnectSession: (sessionId: string) => void,
  ) {}

  async add(userId: string, sessionId: string): Promise<void> {
    await this.redis.sAdd(keys.userSessions(userId), sessionId);
    await this.pruneExpired(userId);
  }

  async remove(userId: string, sessionId: string): Promise<void> {
    await this.redis.sRem(keys.userSessions(userId), sessionId);
  }

  /** Ends every session of the account except `except` (the caller's own); resolves to how many ended. */
  async endAll(userId: string, { except }: { except?: string } = {}): Promise<number> {
    const ended = (await this.redis.sMembers(keys.userSessions(userId))).filter((sessionId) => sessionId !== except);
    if (ended.length === 0) return 0;
    await this.redis
      .multi()
      .del(ended.map((sessionId) => keys.session(sessionId)))
      .sRem(keys.userSessions(userId), ended)
      .exec();
    for (const sessionId of ended) this.disconnectSession(sessionId);
    return ended.length;
  }

  private async pruneExpired(userId: string): Promise<void> {
    const sessionIds = await this.redis.sMembers(keys.userSessions(userId));
    const alive = await Promise.all(sessionIds.map((sessionId) => this.redis.exists(keys.session(sessionId))));
    const expired = sessionIds.filter((_, index) => alive[index] === 0);
    if (expired.length > 0) await this.redis.sRem(keys.userSessions(userId), expired);
  }
}
