import { RateLimiterMemory, type RateLimiterRedis } from 'rate-limiter-flexible';
import type { RateWindow } from '../config.js';
import type { Logger } from '../logger.js';
import { consumeOrWait, sharedRateLimiter } from '../redis/rate-limiter.js';
import type { RedisClient } from '../redis/client.js';

export interface RequestLimits {
  perConnection: RateWindow;
  /** Shared by all of a user's sockets, on every node. */
  perUser: RateWindow;
}

/**
 * How many socket.io requests a connection and a user may send in a window. A real join is a
 * burst of about 10 requests plus one per track received (under 60 in a 120-endpoint meeting), a
 * page of thumbnails about 25: the defaults leave room for several of those at once.
 */
export class RequestLimiter {
  private readonly perConnection: RateLimiterMemory;
  private readonly perUser: RateLimiterRedis;

  constructor(
    redis: RedisClient,
    limits: RequestLimits,
    private readonly logger: Logger,
  ) {
    // A connection lives on one node: its own memory counts it.
    this.perConnection = new RateLimiterMemory({ points: limits.perConnection.points, duration: limits.perConnection.durationSec });
    this.perUser = sharedRateLimiter(redis, 'socket-user', limits.perUser);
  }

  /** 0 when the request may go on (it is counted), else how long (ms) the sender must wait. */
  async admit(connectionId: string, userId: string): Promise<number> {
    try {
      const connectionWait = await consumeOrWait(this.perConnection, connectionId);
      if (connectionWait > 0) return connectionWait;
      return await consumeOrWait(this.perUser, userId);
    } catch (error) {
      // A broken limiter must not stop meetings: let the request through and say so.
      this.logger.error({ err: error, userId }, 'request limiter failed; request admitted');
      return 0;
    }
  }
}
