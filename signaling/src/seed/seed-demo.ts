/**
 * CLI: `node signaling/dist/seed/seed-demo.js` writes the demo accounts and meetings into Redis
 * (REDIS_URL, DEMO_PASSWORD) and prints how to log in. Running it again resets the demo meeting.
 * For the demo (scripts/start.sh) and tests only: it refuses to run with NODE_ENV=production, since
 * it writes accounts, `admin` included, with a published password.
 */
import { createClient } from 'redis';
import { DEFAULT_DEMO_PASSWORD, seedDemo } from './demo-seed.js';

if (process.env.NODE_ENV === 'production') {
  console.error(
    'Refusing to write the demo accounts (published password) with NODE_ENV=production.\n' +
      'Create the first administrator with: node signaling/dist/cli/create-admin.js --username NAME',
  );
  process.exit(1);
}

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = createClient({ url: redisUrl });
redis.on('error', (error: unknown) => console.error('redis error:', error));
await redis.connect();
try {
  const result = await seedDemo(redis, { password: process.env.DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD });
  console.log(`Demo data written to ${withoutPassword(redisUrl)}`);
  for (const meeting of result.meetings) console.log(`  meeting ${meeting.id}: ${meeting.title}`);
  console.log(`Demo accounts (password for all: ${result.password}):`);
  for (const user of result.users) {
    console.log(`  ${user.username.padEnd(14)} ${(user.role ?? '-').padEnd(10)} ${user.isAdmin ? 'admin ' : ''}${user.displayName}`);
  }
} finally {
  await redis.quit();
}

/** The Redis URL as it may be printed: its password stays out of terminals and logs. */
function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
