/**
 * CLI: `node signaling/dist/seed/seed-demo.js` writes the demo accounts and meetings into Redis
 * (REDIS_URL, DEMO_PASSWORD) and prints how to log in. Running it again is harmless.
 */
import { createClient } from 'redis';
import { DEFAULT_DEMO_PASSWORD, seedDemo } from './demo-seed.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = createClient({ url: redisUrl });
redis.on('error', (error: unknown) => console.error('redis error:', error));
await redis.connect();
try {
  const result = await seedDemo(redis, { password: process.env.DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD });
  console.log(`Demo data written to ${redisUrl}`);
  for (const meeting of result.meetings) console.log(`  meeting ${meeting.id}: ${meeting.title}`);
  console.log(`Demo accounts (password for all: ${result.password}):`);
  for (const user of result.users) {
    console.log(`  ${user.username.padEnd(14)} ${(user.role ?? '-').padEnd(10)} ${user.isAdmin ? 'admin ' : ''}${user.displayName}`);
  }
} finally {
  await redis.quit();
}
