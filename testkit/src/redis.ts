import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { freePort } from './ports.js';
import { respawn, stopProcess, type ServiceProcessOptions, type StopSignal } from './service-process.js';

export interface RedisHandle {
  url: string;
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
}

/** Starts a real, throw-away redis-server (AOF on, like production) on a free loopback port. */
export async function startRedis({ ownSession = false, appendfsync = 'everysec' }: StartRedisOptions = {}): Promise<RedisHandle> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'ehop-redis-'));
  const spawnServer = async () => {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', appendfsync, '--save', '', '--daemonize', 'no'],
      { stdio: 'ignore', detached: ownSession },
    );
    await waitForPort(port, 10_000);
    return child;
  };
  const handle: RedisHandle = {
    url: `redis://127.0.0.1:${port}`,
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
