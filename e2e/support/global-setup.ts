import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedis, startSfuServer, startSignaling } from '@ehop/testkit';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Starts the real system once for the whole e2e run: Redis, the SFU with a real mediasoup worker,
 * and signaling serving the built web app, seeded with the demo meeting.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const redis = await startRedis();
  // A short linger: the tests see a camera drop the layers nobody receives within a second or two.
  const sfu = await startSfuServer({ env: { SFU_WORKERS: '1', SFU_LAYER_LINGER_MS: '1000' } });
  // Uploaded documents of this run, thrown away at the end.
  const dataDir = mkdtempSync(join(tmpdir(), 'ehop-e2e-data-'));
  const signaling = await startSignaling({
    redisUrl: redis.url,
    sfuUrl: sfu.url,
    sfuSecret: sfu.secret,
    env: { CLIENT_DIST: `${repoRoot}client/dist`, DATA_DIR: dataDir, DOCUMENT_MAX_BYTES: String(5 * 1024 * 1024) },
    // A ceiling for a loaded machine (other jobs on the same 2 cores), not a goal.
    healthTimeoutMs: 60_000,
  });
  execFileSync(process.execPath, ['signaling/dist/seed/seed-demo.js'], {
    cwd: repoRoot,
    env: { ...process.env, REDIS_URL: redis.url },
    stdio: 'ignore',
  });
  process.env.EHOP_BASE_URL = signaling.url;

  return async () => {
    await signaling.stop();
    await sfu.stop();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
