import { createClient } from 'redis';
import type { Logger } from '../logger.js';

export type RedisClient = ReturnType<typeof createClient>;

/**
 * Connects the one command client the whole server shares.
 *
 * Its offline queue is OFF: while Redis is unreachable a command fails at once (the caller hears
 * `storage_unavailable`, redis/storage-failure.ts) instead of waiting in node-redis's queue and
 * being sent when Redis comes back — long after the caller was told the request failed, which
 * once counted a ballot its voter had been told timed out.
 */
export async function connectRedis(url: string, logger: Logger): Promise<RedisClient> {
  const client = createClient({ url, disableOfflineQueue: true });
  watchErrors(client, logger);
  await client.connect();
  return client;
}

/**
 * A second connection for pub/sub (a subscribed connection cannot run other commands). It keeps
 * the offline queue: it only carries notifications (nobody waits for their answer), and the
 * socket.io adapter publishes without handling a refusal.
 */
export async function duplicateConnection(client: RedisClient, logger: Logger): Promise<RedisClient> {
  const copy = client.duplicate({ disableOfflineQueue: false });
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

/** How long a shutdown waits for a reconnecting connection before dropping it. */
const RECONNECT_GRACE_MS = 3_000;

/**
 * Closes a connection for good. QUIT lets Redis finish the commands already sent. A connection
 * that is down and reconnecting may hold queued publishes (the pub/sub connections keep the
 * offline queue): it gets a short grace to come back, so they are delivered rather than rejected
 * with nobody listening (which failed a node's shutdown just after Redis came back). node-redis'
 * QUIT on a connection that never comes back waits forever, so after the grace it is dropped.
 */
export async function closeConnection(client: RedisClient): Promise<void> {
  if (!client.isReady && client.isOpen) await readyWithin(client, RECONNECT_GRACE_MS);
  if (client.isReady) await client.quit();
  else if (client.isOpen) client.destroy();
}

function readyWithin(client: RedisClient, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    client.on('ready', done);
  });
}
