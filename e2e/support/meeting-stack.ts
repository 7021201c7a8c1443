import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedis, startSfuServer, startSignaling, type SfuServerHandle } from '@ehop/testkit';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface MeetingStack {
  /** Where signaling serves the built web app and its API (on loopback). */
  url: string;
  port: number;
  /** The running SFU (null between `stopSfu` and `startSfu`). */
  sfu: SfuServerHandle | null;
  /** Stops the SFU (SIGTERM, as a service manager would), leaving signaling and Redis running. */
  stopSfu(): Promise<void>;
  /** Starts the SFU again on the same address and secret, as a restarted service. */
  startSfu(): Promise<void>;
  stop(): Promise<void>;
}

export interface MeetingStackOptions {
  /** Extra SFU environment (e.g. where media listens); wins over the defaults. */
  sfuEnv?: Record<string, string>;
  /** Extra signaling environment (e.g. `HOST`). */
  signalingEnv?: Record<string, string>;
}

/**
 * The real system: Redis, the SFU with a real mediasoup worker, and signaling serving the built
 * web app, seeded with the demo meeting. The global setup starts one for the whole run; a test
 * that stops the SFU, or needs the servers elsewhere on the network, starts its own, so the
 * others never see it.
 */
export async function startMeetingStack(options: MeetingStackOptions = {}): Promise<MeetingStack> {
  const redis = await startRedis();
  // A short linger: the tests see a camera drop the layers nobody receives within a second or two.
  const sfuEnv = { SFU_WORKERS: '1', SFU_LAYER_LINGER_MS: '1000', ...options.sfuEnv };
  const sfu = await startSfuServer({ env: sfuEnv });
  const sfuAddress = { port: new URL(sfu.url).port, secret: sfu.secret };
  // Uploaded documents of this stack, thrown away at the end.
  const dataDir = mkdtempSync(join(tmpdir(), 'ehop-e2e-data-'));
  const signaling = await startSignaling({
    redisUrl: redis.url,
    sfuUrl: sfu.url,
    sfuSecret: sfu.secret,
    env: { CLIENT_DIST: `${repoRoot}client/dist`, DATA_DIR: dataDir, DOCUMENT_MAX_BYTES: String(5 * 1024 * 1024), ...options.signalingEnv },
    // A ceiling for a loaded machine (other jobs on the same 2 cores), not a goal.
    healthTimeoutMs: 60_000,
  });
  execFileSync(process.execPath, ['signaling/dist/seed/seed-demo.js'], {
    cwd: repoRoot,
    env: { ...process.env, REDIS_URL: redis.url },
    stdio: 'ignore',
  });

  const stack: MeetingStack = {
    url: signaling.url,
    port: signaling.port,
    sfu,
    async stopSfu() {
      await stack.sfu?.stop();
      stack.sfu = null;
    },
    async startSfu() {
      if (stack.sfu) return;
      stack.sfu = await startSfuServer({ build: false, env: { ...sfuEnv, SFU_PORT: sfuAddress.port, SFU_SECRET: sfuAddress.secret } });
    },
    async stop() {
      await signaling.stop();
      await stack.sfu?.stop();
      await redis.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}
