import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, type RedisHandle } from '@ehop/testkit';

/*
 * Issue 12, item 5: Redis had no password. The project's Redis (scripts/redis.sh) now refuses
 * anonymous clients, gives signaling its own ACL user without administrative commands, keeps the
 * generated passwords readable by their owner only, and listens on loopback. The test kit runs
 * Redis the same way, so every other integration test talks to an authenticated Redis.
 */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** Runs a project script with its own data folder and port, as a developer's machine would. */
function script(command: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return run('bash', ['-c', command], { cwd: repoRoot, env: { ...process.env, ...env } });
}

async function anonymousPing(port: number): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), 'ping']);
  return stdout.trim();
}

describe("the project's Redis (scripts/redis.sh)", () => {
  let env: Record<string, string>;
  let dataDir: string;
  let port: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ehop-redis-script-'));
    port = await freePort();
    env = { DATA_DIR: dataDir, REDIS_PORT: String(port) };
    await script('bash scripts/redis.sh start', env);
  });
  afterAll(async () => {
    await script('bash scripts/redis.sh stop', env).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a client without a password', async () => {
    expect(await anonymousPing(port)).toMatch(/^NOAUTH/);
    const anonymous = createClient({ url: `redis://127.0.0.1:${port}` });
    anonymous.on('error', () => undefined);
    await anonymous.connect();
    await expect(anonymous.get('user:u-admin')).rejects.toThrow(/NOAUTH/);
    await anonymous.quit();
  });

  it('generates the passwords once, readable by their owner only, and keeps only hashes in the ACL file', async () => {
    const secrets = join(dataDir, 'secrets');
    expect((await stat(secrets)).mode & 0o777).toBe(0o700);
    for (const name of await readdir(secrets)) {
      expect((await stat(join(secrets, name))).mode & 0o777, name).toBe(0o600);
      expect(await readFile(join(secrets, name), 'utf8'), name).toMatch(/^[0-9a-f]{64}$/);
    }
    const password = await readFile(join(secrets, 'redis-signaling.password'), 'utf8');
    const acl = join(dataDir, 'redis', 'users.acl');
    expect((await stat(acl)).mode & 0o777).toBe(0o600);
    expect(await readFile(acl, 'utf8')).not.toContain(password);
    expect((await stat(join(dataDir, 'redis'))).mode & 0o777).toBe(0o700);

    await script('bash scripts/redis.sh stop && bash scripts/redis.sh start', env);
    expect(await readFile(join(secrets, 'redis-signaling.password'), 'utf8')).toBe(password);
  });

  it("gives signaling (start.sh's REDIS_URL) its own user, without administrative commands", async () => {
    const { stdout: url } = await script('source scripts/lib/common.sh && project_redis_url', env);
    expect(url).toMatch(new RegExp(`^redis://signaling:[0-9a-f]{64}@127\\.0\\.0\\.1:${port}$`));
    const signaling = createClient({ url });
    await signaling.connect();
    await signaling.set('probe', 'ok');
    expect(await signaling.get('probe')).toBe('ok');
    // A compromised server must not rewrite Redis's configuration (CONFIG SET dir + SAVE writes files).
    await expect(signaling.configSet('dir', '/tmp')).rejects.toThrow(/NOPERM/);
    await signaling.quit();
  });

  it('keeps what signaling wrote in transactions across a restart (the AOF replays them with these users)', async () => {
    const { stdout: url } = await script('source scripts/lib/common.sh && project_redis_url', env);
    const signaling = createClient({ url });
    await signaling.connect();
    await signaling.multi().set('tx:probe', 'kept').hSet('tx:hash', 'field', 'kept').exec();
    await signaling.quit();

    await script('bash scripts/redis.sh stop && bash scripts/redis.sh start', env);
    const again = createClient({ url });
    await again.connect();
    expect(await again.get('tx:probe')).toBe('kept');
    expect(await again.hGet('tx:hash', 'field')).toBe('kept');
    await again.quit();
  });

  it('listens on loopback only, in protected mode', async () => {
    const password = await readFile(join(dataDir, 'secrets', 'redis-admin.password'), 'utf8');
    const admin = createClient({ url: `redis://admin:${password}@127.0.0.1:${port}` });
    await admin.connect();
    expect(await admin.configGet('bind')).toEqual({ bind: '127.0.0.1' });
    expect(await admin.configGet('protected-mode')).toEqual({ 'protected-mode': 'yes' });
    await admin.quit();
  });
});

describe("the test kit's Redis", () => {
  let redis: RedisHandle;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  it('runs with the same users: every test of the suite talks to an authenticated Redis', async () => {
    expect(await anonymousPing(redis.port)).toMatch(/^NOAUTH/);
    expect(redis.url).toMatch(/^redis:\/\/signaling:[0-9a-f]+@127\.0\.0\.1:\d+$/);
    const signaling = createClient({ url: redis.url });
    await signaling.connect();
    await expect(signaling.configGet('dir')).rejects.toThrow(/NOPERM/);
    await signaling.quit();
    const admin = createClient({ url: redis.adminUrl });
    await admin.connect();
    expect(await admin.configGet('appendonly')).toEqual({ appendonly: 'yes' });
    await admin.quit();
  });
});
