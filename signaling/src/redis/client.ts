import { createClient } from 'redis';
import type { Logger } from '../logger.js';

export type RedisClient = ReturnType<typeof createClient>;

/** Connects the one command client the whole server shares. */
export async function connectRedis(url: string, logger: Logger): Promise<RedisClient> {
  const client = createClient({ url });
  watchErrors(client, logger);
  await client.connect();
  return client;
}

/** A second connection for pub/sub (a subscribed connection cannot run other commands). */
export async function duplicateConnection(client: RedisClient, logger: Logger): Promise<RedisClient> {
  const copy = client.duplicate();
  watchErrors(copy, logger);
  await copy.connect();
  return copy;
}

/*
 * node-redis reconnects by itself (also while the first connect waits for Redis to come up);
 * without an 'error' listener a dropped connection would crash the process. One warning per
 * outage, not one per retry.
 */
function watchErrors(client: RedisClient, logger: Logger): void {
  let outageReported = false;
  client.on('error', (error: unknown) => {
    if (!outageReported) logger.warn({ err: error }, 'redis connection error; retrying');
    outageReported = true;
  });
  client.on('ready', () => {
    if (outageReported) logger.info('redis connection restored');
    outageReported = false;
  });
}
