import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { freePort } from './ports.js';
import type { ServiceProcessOptions } from './service-process.js';

export interface RedisHandle {
  url: string;
  port: number;
  dir: string;
  /** The running server (a new process after `restart()`). */
  process: ChildProcess;
  /** Stops the server (SIGTERM: it writes its AOF and exits) and keeps its data, for `restart()`. */
  shutdown(): Promise<void>;
  /** Starts the server again on the same port with the same data (after `shutdown()`, or a kill). */
  restart(): Promise<void>;
  /** Stops the server and deletes its data folder. */
  stop(): Promise<void>;
}

/** Starts a real, throw-away redis-server (AOF on, like production) on a free loopback port. */
export async function startRedis({ ownSession = false }: ServiceProcessOptions = {}): Promise<RedisHandle> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'ehop-redis-'));
  const launch = async () => {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'no'],
      { stdio: 'ignore', detached: ownSession },
    );
    await waitForPort(port, 10_000);
    return child;
  };
  const handle: RedisHandle = {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    process: await launch(),
    shutdown: () => stopProcess(handle.process),
    async restart() {
      await stopProcess(handle.process);
      handle.process = await launch();
    },
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

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
export function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
