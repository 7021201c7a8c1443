/**
 * CLI: creates the first administrator of an installation, or gives an existing account a new
 * password and administrator rights (`--reset`, which also ends all of its sessions).
 *
 *   node signaling/dist/cli/create-admin.js --username admin [--display-name "..."]
 *        [--unit UNIT_ID | --unit-name "UBND tỉnh ..."] [--reset]
 *
 * The password is typed at a hidden prompt (or read from the first line of standard input), never
 * given as an argument, and must be strong. Reads REDIS_URL like the server (same configuration).
 * Exit status: 0 done, 1 refused (the reason on stderr), 2 wrong usage.
 */
import { parseArgs } from 'node:util';
import { Emitter } from '@socket.io/redis-emitter';
import { createClient } from 'redis';
import { createOrResetAdmin, BootstrapRefusal } from '../accounts/admin-bootstrap.js';
import { SessionIndex } from '../accounts/session-index.js';
import { UnitRepository } from '../accounts/unit-repository.js';
import { UserRepository } from '../accounts/user-repository.js';
import { loadConfig } from '../config.js';
import { keys, rooms } from '../redis/keys.js';
import { readNewPassword } from './read-password.js';

const USAGE = 'usage: create-admin.js --username NAME [--display-name TEXT] [--unit UNIT_ID | --unit-name TEXT] [--reset]';

function parseOptions() {
  try {
    const { values } = parseArgs({
      options: {
        username: { type: 'string' },
        'display-name': { type: 'string' },
        unit: { type: 'string' },
        'unit-name': { type: 'string' },
        reset: { type: 'boolean', default: false },
      },
    });
    if (!values.username) throw new Error('--username is required');
    return { ...values, username: values.username };
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
}

async function main(): Promise<number> {
  const options = parseOptions();
  let password: string;
  try {
    password = await readNewPassword();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  const redis = createClient({ url: loadConfig().redisUrl });
  redis.on('error', (error: unknown) => console.error('redis error:', error));
  await redis.connect();
  try {
    // Sockets opened with an ended session are closed by whichever signaling node holds them.
    const sockets = new Emitter(redis, { key: keys.socketIoChannelPrefix() });
    const result = await createOrResetAdmin(
      {
        users: new UserRepository(redis),
        units: new UnitRepository(redis),
        sessions: new SessionIndex(redis, (sessionId) => sockets.in(rooms.session(sessionId)).disconnectSockets(true)),
      },
      {
        username: options.username,
        password,
        reset: options.reset,
        ...(options['display-name'] ? { displayName: options['display-name'] } : {}),
        ...(options.unit ? { unitId: options.unit } : {}),
        ...(options['unit-name'] ? { unitName: options['unit-name'] } : {}),
      },
    );
    const where = result.unit ? ` (unit: ${result.unit.name})` : '';
    if (result.action === 'created') console.log(`Administrator "${result.username}" created${where}.`);
    else console.log(`"${result.username}" is an administrator with the new password${where}; ${result.sessionsEnded} session(s) ended.`);
    return 0;
  } catch (error) {
    if (!(error instanceof BootstrapRefusal)) throw error;
    console.error(error.message);
    return 1;
  } finally {
    await redis.quit();
  }
}

process.exitCode = await main();
