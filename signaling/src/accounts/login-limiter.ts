import { RequestError } from '@ehop/protocol';
import { RateLimiterRes, type RateLimiterRedis } from 'rate-limiter-flexible';
import type { LoginLimits } from '../config.js';
import type { RedisClient } from '../redis/client.js';
import { sharedRateLimiter } from '../redis/rate-limiter.js';

/** Lockouts of one account or address are remembered this long for the backoff to grow. */
const LOCKOUT_MEMORY_SEC = 24 * 3600;

/** What the sign-in route reports once the password was checked. */
export interface LoginAttempt {
  /** The password was right: the account's failures are forgotten, and this was no failure of the address. */
  succeeded(): Promise<void>;
  /** The password could not be checked (the server was busy): this attempt does not count. */
  abandoned(): Promise<void>;
}

/**
 * Failed sign-ins per account and per address, shared by every node through Redis. Each attempt
 * is counted BEFORE its password is hashed, so a burst of concurrent guesses cannot slip past the
 * limit while the hashes run, and a refused attempt costs no hashing at all. One attempt past the
 * limit locks the account (or the address) for LOGIN_LOCKOUT_SEC, each further lockout within a
 * day for twice as long, up to LOGIN_LOCKOUT_MAX_SEC; a right password does not open it sooner.
 */
export class LoginLimiter {
  private readonly perAccount: RateLimiterRedis;
  private readonly perAddress: RateLimiterRedis;
  private readonly lockouts: RateLimiterRedis;

  constructor(
    redis: RedisClient,
    private readonly limits: LoginLimits,
  ) {
    this.perAccount = sharedRateLimiter(redis, 'login-account', limits.perAccount, { blockInMemory: false });
    this.perAddress = sharedRateLimiter(redis, 'login-address', limits.perAddress, { blockInMemory: false });
    this.lockouts = sharedRateLimiter(redis, 'login-lockouts', { points: Number.MAX_SAFE_INTEGER, durationSec: LOCKOUT_MEMORY_SEC }, { blockInMemory: false });
  }

  /** Counts an attempt on `username` from `address`; refuses it (`rate_limited`) while either is locked. */
  async begin(username: string, address: string): Promise<LoginAttempt> {
    const account = username.trim().toLowerCase();
    const [accountWait, addressWait] = await Promise.all([
      this.count(this.perAccount, 'account', account),
      this.count(this.perAddress, 'address', address),
    ]);
    const waitMs = Math.max(accountWait, addressWait);
    if (waitMs > 0) {
      // Refused attempts are not failures: only the lock that refused it stays counted.
      if (accountWait === 0) await this.perAccount.reward(account);
      if (addressWait === 0) await this.perAddress.reward(address);
      const retryAfterSec = Math.ceil(waitMs / 1000);
      throw new RequestError('rate_limited', `Too many failed sign-ins; try again in ${retryAfterSec} s`, { retryAfterSec });
    }
    return {
      succeeded: async () => {
        await Promise.all([this.perAccount.delete(account), this.lockouts.delete(lockoutKey('account', account)), this.perAddress.reward(address)]);
      },
      abandoned: async () => {
        await Promise.all([this.perAccount.reward(account), this.perAddress.reward(address)]);
      },
    };
  }

  /** 0 when the attempt may go on, else how long (ms) the key stays locked. */
  private async count(limiter: RateLimiterRedis, kind: string, key: string): Promise<number> {
    try {
      await limiter.consume(key);
      return 0;
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      // The first attempt past the limit starts the lockout; the later ones wait for its end.
      if (refusal.consumedPoints === limiter.points + 1) return this.lockOut(limiter, kind, key);
      return Math.max(1, refusal.msBeforeNext);
    }
  }

  private async lockOut(limiter: RateLimiterRedis, kind: string, key: string): Promise<number> {
    const { consumedPoints: lockoutsToday } = await this.lockouts.consume(lockoutKey(kind, key));
    const seconds = Math.min(this.limits.lockoutSec * 2 ** (lockoutsToday - 1), this.limits.maxLockoutSec);
    await limiter.block(key, seconds);
    return seconds * 1000;
  }
}

function lockoutKey(kind: string, key: string): string {
  return `${kind}:${key}`;
}
