import { afterAll, beforeAll, expect, it } from 'vitest';
import { pino } from 'pino';
import { startRedis, type RedisHandle } from '@ehop/testkit';
import { closeConnection, connectRedis, duplicateConnection, type RedisClient } from '../src/redis/client.js';

/*
 * Shutting down right after Redis came back: a pub/sub connection (the socket.io adapter's) may
 * still be reconnecting with publishes queued while Redis was away. Closing it must deliver them,
 * not drop them (dropping rejects promises nobody handles, and the node's shutdown fails).
 */
let redis: RedisHandle;
let main: RedisClient;
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  redis = await startRedis();
  main = await connectRedis(redis.url, logger);
});
afterAll(async () => {
  await closeConnection(main);
  await redis?.stop();
});

it('delivers what a reconnecting pub/sub connection queued while Redis was away, then closes it', async () => {
  const pubsub = await duplicateConnection(main, logger);
  await redis.shutdown();
  while (pubsub.isReady) await new Promise((resolve) => setTimeout(resolve, 20));
  // Queued (the pub/sub connections keep node-redis' offline queue); the adapter does not await it.
  const queued = pubsub.publish('ehop-test-channel', 'while Redis was away');
  // The node shuts down while the connection is still reconnecting, and Redis comes back meanwhile.
  const closing = closeConnection(pubsub);
  await redis.restart();
  await closing;
  await expect(queued).resolves.toBe(0);
  expect(pubsub.isOpen).toBe(false);
});
