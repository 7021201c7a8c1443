import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { freePort, startRedis, startSignaling, type RedisHandle, type SignalingHandle } from '@ehop/testkit';
import { seedDemo } from '../../signaling/dist/seed/demo-seed.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export type BenchRedis = ReturnType<typeof createClient>;

export interface BenchStack {
  redisServer: RedisHandle;
  redis: BenchRedis;
  dataDir: string;
  nodes: SignalingHandle[];
  /** One more signaling process on the same Redis (the socket.io Redis adapter joins them). */
  addNode(): Promise<SignalingHandle>;
  stop(): Promise<void>;
}

/**
 * The bench's own Redis (seeded with the demo) and built signaling processes serving the built
 * web app. No SFU: documents and presenting do not need media, and /healthz may say degraded.
 * `env` adds to (or overrides) the signaling processes' environment.
 */
export async function startBenchStack(env: Record<string, string> = {}): Promise<BenchStack> {
  const redisServer = await startRedis();
  const redis = createClient({ url: redisServer.url });
  await redis.connect();
  await seedDemo(redis as never);
  const dataDir = await mkdtemp(join(tmpdir(), 'ehop-bench-data-'));
  const sfuUrl = `http://127.0.0.1:${await freePort()}`; // nothing listens: media is not benchmarked here
  const nodes: SignalingHandle[] = [];
  const addNode = async () => {
    const node = await startSignaling({
      redisUrl: redisServer.url,
      sfuUrl,
      sfuSecret: 'bench',
      requireHealthy: false,
      env: { DATA_DIR: dataDir, LOG_LEVEL: 'warn', CLIENT_DIST: join(repoRoot, 'client/dist'), SESSION_SECRET: 'bench-session-secret-shared-by-nodes', ...env },
    });
    nodes.push(node);
    return node;
  };
  await addNode();
  return {
    redisServer,
    redis,
    dataDir,
    nodes,
    addNode,
    async stop() {
      await Promise.allSettled(nodes.map((node) => node.stop()));
      await redis.quit().catch(() => undefined);
      await redisServer.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Logs in over HTTP; resolves to the Cookie header value. */
export async function login(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`login of ${username} failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((header) => header.startsWith('ehop.sid='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}

/** Uploads a PDF as the logged-in `cookie`; resolves to the document id. */
export async function uploadPdf(url: string, cookie: string, meetingId: string, pdf: Uint8Array, fileName: string): Promise<{ id: string; pageCount: number }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(pdf)]), fileName);
  const response = await fetch(`${url}/api/meetings/${meetingId}/documents`, { method: 'POST', headers: { cookie }, body: form });
  if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
  const { document } = (await response.json()) as { document: { id: string; pageCount: number } };
  return document;
}
