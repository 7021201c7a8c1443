import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';
import { respawn, stopProcess, type ServiceProcessOptions, type StopSignal } from './service-process.js';

const aclTemplate = fileURLToPath(new URL('../../deploy/redis/users.acl.in', import.meta.url));

export interface RedisHandle {
  /** The signaling servers' account (`redis://signaling:PASSWORD@127.0.0.1:PORT`), as in production. */
  url: string;
  /**
   * The operator's account, with every command (MONITOR, CONFIG, SHUTDOWN...), for tests that
   * look at Redis as its administrator would.
   */
  adminUrl: string;
  /** The SFU nodes' account (their registry keys only), as in production. */
  sfuUrl: string;
  port: number;
  dir: string;
  /** The running server (a new one after `restart`). */
  process: ChildProcess;
  /**
   * Stops the server (SIGTERM: it finishes writing its AOF; SIGKILL: a crash, nothing flushed
   * that the fsync policy had not flushed yet) and starts it again on the same port and data.
   */
  restart(signal?: StopSignal, downMs?: number): Promise<void>;
  /** Stops the server (SIGTERM: it writes its AOF and exits) and keeps its data, for `restart()`. */
  shutdown(): Promise<void>;
  /** Stops the server and deletes its data folder. */
  stop(): Promise<void>;
}

export interface StartRedisOptions extends ServiceProcessOptions {
  /**
   * The AOF's fsync policy (redis.conf `appendfsync`). Deployments use `always` (scripts/redis.sh,
   * docker-compose.yml; see README "Redis and crashes"); tests default to `everysec`, which only
   * differs after a crash of the machine itself, and the fault suite runs `always`.
   */
  appendfsync?: 'always' | 'everysec' | 'no';
  /** Also listen on these addresses (e.g. a simulated host network's gateway), besides 127.0.0.1. */
  alsoBind?: string[];
}

/**
 * Starts a real, throw-away redis-server on a free loopback port, set up as production is: AOF on,
 * the users of deploy/redis/users.acl.in with fresh passwords.
 */
export async function startRedis({ ownSession = false, appendfsync = 'everysec', alsoBind = [] }: StartRedisOptions = {}): Promise<RedisHandle> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'ehop-redis-'));
  const passwords = { signaling: randomBytes(24).toString('hex'), sfu: randomBytes(24).toString('hex'), admin: randomBytes(24).toString('hex') };
  const aclFile = join(dir, 'users.acl');
  await writeFile(aclFile, redisAclFile(passwords), { mode: 0o600 });
  const spawnServer = async () => {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', ['127.0.0.1', ...alsoBind].join(' '), '--dir', dir, '--aclfile', aclFile, '--appendonly', 'yes', '--appendfsync', appendfsync, '--save', '', '--daemonize', 'no'],
      { stdio: 'ignore', detached: ownSession },
    );
    await waitForPort(port, 10_000);
    return child;
  };
  const handle: RedisHandle = {
    url: `redis://signaling:${passwords.signaling}@127.0.0.1:${port}`,
    adminUrl: `redis://admin:${passwords.admin}@127.0.0.1:${port}`,
    sfuUrl: `redis://sfu:${passwords.sfu}@127.0.0.1:${port}`,
    port,
    dir,
    process: await spawnServer(),
    async restart(signal = 'SIGTERM', downMs = 0) {
      handle.process = await respawn(handle.process, signal, downMs, spawnServer);
    },
    shutdown: () => stopProcess(handle.process),
    async stop() {
      await stopProcess(handle.process);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** Redis's ACL file from the project's template: comments dropped, each password as its SHA-256. */
export function redisAclFile(passwords: { signaling: string; sfu: string; admin: string }): string {
  const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
  return readFileSync(aclTemplate, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) =>
      line
        .replace('@SIGNALING_PASSWORD_SHA256@', sha256(passwords.signaling))
        .replace('@SFU_PASSWORD_SHA256@', sha256(passwords.sfu))
        .replace('@ADMIN_PASSWORD_SHA256@', sha256(passwords.admin)),
    )
    .join('\n')
    .concat('\n');
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
