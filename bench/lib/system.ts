import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startRedis, startSfuServer, startSignaling } from '@ehop/testkit';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningSystem {
  baseUrl: string;
  redisUrl: string;
  sfuPid: number;
  signalingPid: number;
  /** The SFU's log so far (JSON lines at the level it runs with). */
  sfuOutput(): string;
  stop(): Promise<void>;
}

/** The real system, as the e2e tests start it: Redis, SFU (real workers), signaling + web app, demo seed. */
export async function startSystem(options: { sfuWorkers?: number; sfuEnv?: Record<string, string> } = {}): Promise<RunningSystem> {
  const redis = await startRedis();
  const sfu = await startSfuServer({ env: { SFU_WORKERS: String(options.sfuWorkers ?? 1), LOG_LEVEL: 'warn', ...options.sfuEnv } });
  const signaling = await startSignaling({
    redisUrl: redis.url,
    sfuUrl: sfu.url,
    sfuSecret: sfu.secret,
    env: { CLIENT_DIST: `${repoRoot}client/dist`, LOG_LEVEL: 'warn' },
  });
  execFileSync(process.execPath, ['signaling/dist/seed/seed-demo.js'], {
    cwd: repoRoot,
    env: { ...process.env, REDIS_URL: redis.url },
    stdio: 'ignore',
  });
  return {
    baseUrl: signaling.url,
    redisUrl: redis.url,
    sfuPid: sfu.process.pid!,
    signalingPid: signaling.process.pid!,
    sfuOutput: () => sfu.output(),
    async stop() {
      await signaling.stop();
      await sfu.stop();
      await redis.stop();
    },
  };
}
