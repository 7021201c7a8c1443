import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSignaling, freePort, startRedis, startSignaling, type RedisHandle, type SignalingHandle } from '@ehop/testkit';
import { createSignalingServer, type SignalingServer } from '../src/app/signaling-server.js';
import { loadConfig } from '../src/config.js';
import type { RedisClient } from '../src/redis/client.js';
import { DEFAULT_DEMO_PASSWORD } from '../src/seed/demo-seed.js';
import { closeAllSockets, connectSocket, getJson, login } from './support/harness.js';

/*
 * Issue 12, item 1: docker-compose.yml seeded the demo accounts, `admin` included, with the
 * published password at every start. Now the first administrator comes from an explicit command
 * with a password the operator chooses; the demo seed refuses production; and a production node
 * disables any account still on the published demo password (installations made by the old file).
 */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const STRONG = 'Sương-mù-trên-đèo-Thung-Khe-42';
const STRONGER = 'chiều-tà-bên-sông-Đà-ngày-17';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one of signaling's built commands as an operator would, `input` on its standard input. */
function runCli(script: string, args: string[], input: string, env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`signaling/dist/${script}`, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

let redisServer: RedisHandle;
let redis: RedisClient;
let dataDir: string;

beforeAll(async () => {
  await buildSignaling();
  redisServer = await startRedis();
  redis = createClient({ url: redisServer.url });
  await redis.connect();
  dataDir = await mkdtemp(join(tmpdir(), 'ehop-first-admin-'));
});
afterAll(async () => {
  closeAllSockets();
  await redis?.quit();
  await redisServer?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const createAdmin = (args: string[], password: string) => runCli('cli/create-admin.js', args, `${password}\n`, { REDIS_URL: redisServer.url, NODE_ENV: 'test' });

describe('create-admin on a new installation', () => {
  let server: SignalingServer;
  let url: string;

  beforeAll(async () => {
    server = await createSignalingServer(
      loadConfig({ REDIS_URL: redisServer.url, SFU_URL: `http://127.0.0.1:${await freePort()}`, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir }),
    );
    url = await server.listen();
  });
  afterAll(() => server?.close());

  it('refuses short, common or guessable passwords, and writes nothing', async () => {
    // The whole policy is unit-tested (password.test.ts); here, that the command applies it.
    for (const weak of [DEFAULT_DEMO_PASSWORD, 'quantri-2026-admin']) {
      const run = await createAdmin(['--username', 'quantri', '--unit-name', 'UBND tỉnh Hòa Bình'], weak);
      expect(run.code, weak).toBe(1);
      expect(run.stderr, weak).toMatch(/Password refused/);
    }
    expect(await redis.keys('u*')).toEqual([]);
  });

  it('needs a unit name when there is no unit yet, and a username', async () => {
    expect(await createAdmin(['--username', 'quantri'], STRONG)).toMatchObject({ code: 1, stderr: expect.stringMatching(/--unit-name/) });
    expect((await createAdmin([], STRONG)).code).toBe(2);
    expect(await redis.keys('user*')).toEqual([]);
  });

  it('creates the administrator with the chosen password, never printing it', async () => {
    const run = await createAdmin(['--username', 'quantri', '--display-name', 'Quản trị viên', '--unit-name', 'UBND tỉnh Hòa Bình'], STRONG);
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining('Administrator "quantri" created (unit: UBND tỉnh Hòa Bình)') });
    expect(run.stdout + run.stderr).not.toContain(STRONG);

    const cookie = await login(url, 'quantri', STRONG);
    expect(await (await getJson(`${url}/api/auth/me`, cookie)).json()).toMatchObject({ username: 'quantri', displayName: 'Quản trị viên', isAdmin: true });
    expect((await getJson(`${url}/api/admin/directory`, cookie)).status).toBe(200);
  });

  it('refuses an existing username unless told to reset; a reset ends its sessions and sockets', async () => {
    const cookie = await login(url, 'quantri', STRONG);
    const socket = await connectSocket(url, cookie);
    const closed = new Promise((resolve) => socket.once('disconnect', resolve));

    expect(await createAdmin(['--username', 'quantri'], STRONGER)).toMatchObject({ code: 1, stderr: expect.stringMatching(/exists.*--reset/) });
    expect((await getJson(`${url}/api/auth/me`, cookie)).status).toBe(200);

    const reset = await createAdmin(['--username', 'quantri', '--reset'], STRONGER);
    expect(reset).toMatchObject({ code: 0, stdout: expect.stringMatching(/new password.*\d session\(s\) ended/) });
    await expect(closed).resolves.toBe('io server disconnect');
    expect((await getJson(`${url}/api/auth/me`, cookie)).status).toBe(401);
    await expect(login(url, 'quantri', STRONG)).rejects.toThrow(/401/);
    await expect(login(url, 'quantri', STRONGER)).resolves.toBeTruthy();
  });
});

describe('the demo seed', () => {
  it('refuses to run with NODE_ENV=production and writes nothing', async () => {
    const before = (await redis.keys('*')).sort();
    const run = await runCli('seed/seed-demo.js', [], '', { REDIS_URL: redisServer.url, NODE_ENV: 'production' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/NODE_ENV=production/);
    expect((await redis.keys('*')).sort()).toEqual(before);
    expect(await redis.exists('user:u-admin')).toBe(0);
  });
});

describe('a production node on a store seeded with the demo accounts', () => {
  let production: SignalingHandle | undefined;
  afterAll(() => production?.stop());

  it('disables every account still on the published demo password, and says so', async () => {
    const seeded = await runCli('seed/seed-demo.js', [], '', { REDIS_URL: redisServer.url, NODE_ENV: 'test' });
    expect(seeded.code).toBe(0);
    const demoSession = await (async () => {
      const dev = await createSignalingServer(loadConfig({ REDIS_URL: redisServer.url, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir }));
      const devUrl = await dev.listen();
      const cookie = await login(devUrl, 'admin');
      await dev.close();
      return cookie;
    })();

    production = await startSignaling({
      redisUrl: redisServer.url,
      sfuUrl: `http://127.0.0.1:${await freePort()}`,
      sfuSecret: 'e5b1c9a7f3d2846e0b7a9c5d3f1e2a48',
      requireHealthy: false,
      env: { NODE_ENV: 'production', SESSION_SECRET: '7a1c3e5f9b2d4086a8c6e4f2b0d9c7e1', BALLOT_SECRET: 'c4e8a2f6b0d3971e5a9c7f1b3d5e8a20', DATA_DIR: dataDir },
    });
    await expect(login(production.url, 'admin', DEFAULT_DEMO_PASSWORD)).rejects.toThrow(/401/);
    await expect(login(production.url, 'chutri', DEFAULT_DEMO_PASSWORD)).rejects.toThrow(/401/);
    expect((await getJson(`${production.url}/api/auth/me`, demoSession)).status).toBe(401);
    expect(production.output()).toMatch(/published demo password were disabled/);
    // The administrator made with create-admin is untouched.
    await expect(login(production.url, 'quantri', STRONGER)).resolves.toBeTruthy();
  });
});
