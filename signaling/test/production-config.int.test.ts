import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSfuServer, buildSignaling, freePort, startRedis, startSfuServer, startSignaling, type RedisHandle } from '@ehop/testkit';

/*
 * Issue 12, items 5 and 8: the deployment's defaults passed the production checks. The built
 * servers, started as the old docker-compose.yml started them (its `change-me-...` fallbacks, a
 * Redis URL without a password), now refuse to start and name every problem; with real secrets
 * they start.
 */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const secret = () => randomBytes(32).toString('hex');

/** What the old docker-compose.yml gave the servers when the operator set nothing. */
const OLD_COMPOSE_DEFAULTS = {
  NODE_ENV: 'production',
  SFU_SECRET: 'change-me-sfu-secret',
  SESSION_SECRET: 'change-me-session-secret',
  REDIS_URL: 'redis://127.0.0.1:6379',
  TURN_URLS: 'turn:203.0.113.7:3478?transport=udp',
};

/** Starts a built server and resolves when it exits (config errors end it at once). */
function runUntilExit(mainJs: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [mainJs], { cwd: repoRoot, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${mainJs} did not exit:\n${output}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

let redis: RedisHandle;
beforeAll(async () => {
  await Promise.all([buildSignaling(), buildSfuServer()]);
  redis = await startRedis();
});
afterAll(() => redis?.stop());

describe('signaling in production', () => {
  it("refuses the old compose file's placeholders, a short secret and a Redis URL without a password", async () => {
    const { code, output } = await runUntilExit('signaling/dist/main.js', { ...OLD_COMPOSE_DEFAULTS, TURN_SECRET: 'short-turn-secret' });
    expect(code).toBe(1);
    expect(output).toMatch(/SESSION_SECRET is a placeholder/);
    expect(output).toMatch(/SFU_SECRET is a placeholder/);
    expect(output).toMatch(/TURN_SECRET is shorter than 32 characters/);
    expect(output).toMatch(/REDIS_URL needs credentials/);
  });

  it('refuses the static TURN password the old compose file gave browsers', async () => {
    const { code, output } = await runUntilExit('signaling/dist/main.js', { ...OLD_COMPOSE_DEFAULTS, TURN_USERNAME: 'ehop', TURN_CREDENTIAL: 'change-me-turn-password' });
    expect(code).toBe(1);
    expect(output).toMatch(/static TURN passwords are replaced by TURN_SECRET/);
  });

  it('starts with long random secrets and the Redis password', async () => {
    const sfuPort = await freePort();
    const node = await startSignaling({
      redisUrl: redis.url,
      sfuUrl: `http://127.0.0.1:${sfuPort}`,
      sfuSecret: secret(),
      requireHealthy: false,
      env: { NODE_ENV: 'production', SESSION_SECRET: secret(), BALLOT_SECRET: secret(), TURN_URLS: OLD_COMPOSE_DEFAULTS.TURN_URLS, TURN_SECRET: secret() },
    });
    expect(node.output()).toContain('signaling listening');
    await node.stop();
  });
});

describe('the SFU in production', () => {
  it("refuses the old compose file's secret and a short one", async () => {
    for (const [sfuSecret, problem] of [
      ['change-me-sfu-secret', /SFU_SECRET is a placeholder/],
      ['0123456789abcdef', /SFU_SECRET is shorter than 32 characters/],
    ] as const) {
      const { code, output } = await runUntilExit('sfu-server/dist/main.js', { NODE_ENV: 'production', SFU_SECRET: sfuSecret });
      expect(code, sfuSecret).toBe(1);
      expect(output, sfuSecret).toMatch(problem);
    }
  });

  it('starts with a long random secret', async () => {
    const sfu = await startSfuServer({ env: { NODE_ENV: 'production', SFU_SECRET: secret(), LOG_LEVEL: 'warn' } });
    await sfu.stop();
  });
});
