import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './ports.js';
import { respawn, spawnNodeService, stopProcess, type ServiceOutput, type ServiceProcessOptions, type StopSignal } from './service-process.js';
import { getJson, type CertificateFiles } from './tls.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface SfuServerHandle {
  /** What signaling puts in SFU_URL (https with the `tls` option). */
  url: string;
  secret: string;
  /** With the `tls` option: the CA signaling must trust (SFU_CA_FILE). */
  caFile: string | undefined;
  /** The running server (a new one after `restart`). */
  process: ChildProcess;
  /** The server's stdout (JSON log lines) so far, for assertions and failure messages. */
  output(): string;
  /**
   * Stops it (SIGKILL: a crash; its workers die with it) and starts it again on the same port and
   * secret, so signaling finds it at the same SFU_URL; resolves once it is healthy.
   */
  restart(signal?: StopSignal, downMs?: number): Promise<void>;
  /** SIGTERM (graceful shutdown), SIGKILL after a grace period. */
  stop(): Promise<void>;
}

export interface StartSfuServerOptions extends ServiceProcessOptions {
  /** Extra environment, e.g. `{ SFU_WORKERS: '1' }`; wins over the defaults below. */
  env?: Record<string, string>;
  /** Run `tsc -b sfu-server` first (once per test process) so tests never run a stale build. */
  build?: boolean;
  /** How many RTC ports the SFU may use, from the start of its range (at most and by default 200). */
  rtcPorts?: number;
  /** Serve the internal API over TLS with this certificate (SFU_TLS_CERT_FILE/KEY_FILE). */
  tls?: CertificateFiles;
  /** The address it serves on, API and media (default 127.0.0.1; with `netns`, that host's address). */
  host?: string;
}

let building: Promise<void> | undefined;

/** Compiles the SFU (and the protocol it references); a no-op in about a second when up to date. */
export function buildSfuServer(): Promise<void> {
  building ??= promisify(execFile)('npx', ['tsc', '-b', 'sfu-server'], { cwd: repoRoot }).then(
    () => undefined,
    (error: { stdout?: string; message: string }) => {
      building = undefined;
      throw new Error(`tsc -b sfu-server failed:\n${error.stdout ?? error.message}`);
    },
  );
  return building;
}

let instances = 0;
const RTC_RANGE_SIZE = 200;
const RTC_RANGES = 50; // 30000..39999, below the RTC_MIN_PORT default of a real deployment

/**
 * Starts the BUILT SFU (`node sfu-server/dist/main.js`) with a real mediasoup worker on a free
 * port, and resolves once its /healthz says ok. Each instance gets its own RTC port range so
 * parallel servers rarely share one (and, sharing one, still bind different free ports).
 */
export async function startSfuServer(options: StartSfuServerOptions = {}): Promise<SfuServerHandle> {
  if (options.build ?? true) await buildSfuServer();
  const mainJs = `${repoRoot}sfu-server/dist/main.js`;
  if (!existsSync(mainJs)) throw new Error(`${mainJs} is missing: run npx tsc -b sfu-server`);

  const workerBin = process.env['MEDIASOUP_WORKER_BIN'];
  if (!workerBin) throw new Error('MEDIASOUP_WORKER_BIN is not set: run `source scripts/lib/common.sh` first (scripts/setup.sh builds the worker)');
  const port = await freePort();
  const rtcMinPort = rtcRangeStart();
  const secret = `test-sfu-secret-${port}`;
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    MEDIASOUP_WORKER_BIN: workerBin,
    SFU_HOST: options.host ?? '127.0.0.1',
    SFU_PORT: String(port),
    SFU_SECRET: secret,
    SFU_WORKERS: '1',
    RTC_LISTEN_IP: options.host ?? '127.0.0.1',
    // Each worker's WebRtcServer takes free ports from this instance's range (and keeps them when
    // the worker is replaced): fixed ports would collide between the SFUs that tests run in parallel.
    RTC_PORT: '0',
    RTC_MIN_PORT: String(rtcMinPort),
    RTC_MAX_PORT: String(rtcMinPort + Math.min(options.rtcPorts ?? RTC_RANGE_SIZE, RTC_RANGE_SIZE) - 1),
    LOG_LEVEL: 'info',
    ...(options.tls ? { SFU_TLS_CERT_FILE: options.tls.certFile, SFU_TLS_KEY_FILE: options.tls.keyFile } : {}),
    ...options.env,
  };
  const output: ServiceOutput = { text: '' };
  const url = `${options.tls ? 'https' : 'http'}://${env.SFU_HOST}:${env.SFU_PORT}`;
  const caFile = options.tls?.caFile;
  const spawnServer = () =>
    spawnNodeService(mainJs, { cwd: repoRoot, env, ownSession: options.ownSession ?? false, output, netns: options.netns }, (child) =>
      waitForHealthy(url, caFile, child, () => output.text),
    );
  const handle: SfuServerHandle = {
    url,
    secret: env.SFU_SECRET,
    caFile,
    process: await spawnServer(),
    output: () => output.text,
    async restart(signal = 'SIGKILL', downMs = 0) {
      handle.process = await respawn(handle.process, signal, downMs, spawnServer);
    },
    stop: () => stopProcess(handle.process),
  };
  return handle;
}

/** The SFU's /healthz as signaling's operators see it: with the secret, so with workers, rooms and peers. */
export async function sfuHealth(sfu: Pick<SfuServerHandle, 'url' | 'secret' | 'caFile'>): Promise<SfuHealthReport> {
  const { body } = await getJson(`${sfu.url}/healthz`, { caFile: sfu.caFile, headers: { authorization: `Bearer ${sfu.secret}` } });
  return body as SfuHealthReport;
}

export interface SfuHealthReport {
  status: 'ok' | 'degraded';
  workers: { pid: number }[];
  rooms: number;
  peers: number;
  signalingConnections: number;
}

/** Different per process and per instance, so concurrent test runs rarely share a range. */
function rtcRangeStart(): number {
  const slot = (process.pid + instances++) % RTC_RANGES;
  return 30_000 + slot * RTC_RANGE_SIZE;
}

async function waitForHealthy(url: string, caFile: string | undefined, child: ChildProcess, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sfu-server exited with ${child.exitCode}:\n${output()}`);
    const healthy = await getJson(`${url}/healthz`, { caFile }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`sfu-server at ${url} not healthy after ${timeoutMs} ms:\n${output()}`);
}
