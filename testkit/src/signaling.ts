import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './ports.js';
import { respawn, spawnNodeService, stopProcess, type ServiceOutput, type ServiceProcessOptions, type StopSignal } from './service-process.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface SignalingHandle {
  /** Base URL of the HTTP API and socket.io, e.g. `http://127.0.0.1:34567`. */
  url: string;
  port: number;
  /** The running server (a new one after `restart`). */
  process: ChildProcess;
  /** The server's stdout and stderr (JSON log lines) so far. */
  output(): string;
  /** Stops it (SIGKILL: a crash) and starts it again on the same port; resolves once /healthz answers as at the start. */
  restart(signal?: StopSignal, downMs?: number): Promise<void>;
  /** SIGTERM (graceful shutdown), SIGKILL after a grace period. */
  stop(): Promise<void>;
}

export interface StartSignalingOptions extends ServiceProcessOptions {
  redisUrl: string;
  sfuUrl: string;
  sfuSecret: string;
  /** Extra environment (e.g. `{ TURN_URLS: '...' }`); wins over the defaults. */
  env?: Record<string, string>;
  /** Run `tsc -b signaling` first (once per test process), so tests never run a stale build. */
  build?: boolean;
  /**
   * Wait until /healthz says ok (Redis and SFU reachable). With false, any /healthz answer
   * will do, e.g. to test signaling while the SFU is down.
   */
  requireHealthy?: boolean;
  /** How long to wait for /healthz (default 15 s; a loaded 2-core machine may need more). */
  healthTimeoutMs?: number;
  /** A fixed port (default: a free one). */
  port?: number;
  /** The address it listens on (default 127.0.0.1; with `netns`, that host's address). */
  host?: string;
}

let building: Promise<void> | undefined;

/** Compiles signaling (and the protocol it references); quick when up to date. */
export function buildSignaling(): Promise<void> {
  building ??= promisify(execFile)('npx', ['tsc', '-b', 'signaling'], { cwd: repoRoot }).then(
    () => undefined,
    (error: { stdout?: string; message: string }) => {
      building = undefined;
      throw new Error(`tsc -b signaling failed:\n${error.stdout ?? error.message}`);
    },
  );
  return building;
}

/** Starts the BUILT signaling server (`node signaling/dist/main.js`) on a free loopback port. */
export async function startSignaling(options: StartSignalingOptions): Promise<SignalingHandle> {
  if (options.build ?? true) await buildSignaling();
  const mainJs = `${repoRoot}signaling/dist/main.js`;
  if (!existsSync(mainJs)) throw new Error(`${mainJs} is missing: run npx tsc -b signaling`);

  const port = options.port ?? (await freePort());
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    HOST: options.host ?? '127.0.0.1',
    PORT: String(port),
    REDIS_URL: options.redisUrl,
    SFU_URL: options.sfuUrl,
    SFU_SECRET: options.sfuSecret,
    SESSION_SECRET: `test-session-secret-${port}`,
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const output: ServiceOutput = { text: '' };
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  const spawnServer = () =>
    spawnNodeService(mainJs, { cwd: repoRoot, env, ownSession: options.ownSession ?? false, output, netns: options.netns }, (child) =>
      waitForHealth(url, options.requireHealthy ?? true, child, () => output.text, options.healthTimeoutMs),
    );
  const handle: SignalingHandle = {
    url,
    port,
    process: await spawnServer(),
    output: () => output.text,
    async restart(signal = 'SIGKILL', downMs = 0) {
      handle.process = await respawn(handle.process, signal, downMs, spawnServer);
    },
    stop: () => stopProcess(handle.process),
  };
  return handle;
}

async function waitForHealth(
  url: string,
  requireHealthy: boolean,
  child: ChildProcess,
  output: () => string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`signaling exited with ${child.exitCode}:\n${output()}`);
    const status = await fetch(`${url}/healthz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200 || (!requireHealthy && status === 503)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`signaling at ${url} not ${requireHealthy ? 'healthy' : 'answering'} after ${timeoutMs} ms:\n${output()}`);
}
