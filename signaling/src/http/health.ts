import type { Health } from '@ehop/protocol';
import type { RequestHandler } from 'express';
import type { SfuCluster } from '../media/sfu-cluster.js';
import type { RedisClient } from '../redis/client.js';

const REDIS_PING_TIMEOUT_MS = 1_000;

/** `GET /healthz`: 200 when Redis answers and the SFU is connected, 503 (degraded) otherwise. */
export function healthRoute(redis: RedisClient, sfu: SfuCluster): RequestHandler {
  return async (_req, res) => {
    const checks = { redis: await redisAnswers(redis), sfu: sfu.connected };
    const healthy = Object.values(checks).every(Boolean);
    const body: Health = { status: healthy ? 'ok' : 'degraded', service: 'signaling', checks };
    res.status(healthy ? 200 : 503).json(body);
  };
}

async function redisAnswers(redis: RedisClient): Promise<boolean> {
  if (!redis.isReady) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), REDIS_PING_TIMEOUT_MS)));
  try {
    return await Promise.race([redis.ping().then((reply) => reply === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
