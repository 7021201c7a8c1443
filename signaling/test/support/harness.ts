import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { io as connectClient, type Socket } from 'socket.io-client';
import { freePort, startRedis, startSfuServer, type RedisHandle, type SfuServerHandle } from '@ehop/testkit';
import type { Ack, ClientRequest, ClientRequestName, ClientResponse, ServerEventName, ServerEvent } from '@ehop/protocol';
import { createSignalingServer, type SignalingServer } from '../../src/app/signaling-server.js';
import { loadConfig } from '../../src/config.js';
import type { RedisClient } from '../../src/redis/client.js';
import { DEFAULT_DEMO_PASSWORD, seedDemo } from '../../src/seed/demo-seed.js';
import { SfuClient } from '../../src/media/sfu-client.js';
import { pino } from 'pino';

export interface TestStack {
  redisServer: RedisHandle;
  /** A separate connection for the test's own reads of what the server wrote. */
  redis: RedisClient;
  nodes: TestNode[];
  /** DATA_DIR of every node (documents, uploads in flight): a fresh folder, removed by stop(). */
  dataDir: string;
  /** Starts one more signaling node on the same Redis and SFU. */
  addNode(): Promise<TestNode>;
  stop(): Promise<void>;
}

export interface TestNode {
  url: string;
  server: SignalingServer;
}

export interface StackOptions {
  sfuUrl?: string;
  sfuSecret?: string;
  env?: Record<string, string>;
}

/** A real SFU and two signaling nodes on one Redis: every broadcast crosses the Redis adapter. */
export interface TwoNodeStack {
  sfu: SfuServerHandle;
  stack: TestStack;
  nodeA: string;
  nodeB: string;
  stop(): Promise<void>;
}

export async function startTwoNodeStack(options: Pick<StackOptions, 'env'> = {}): Promise<TwoNodeStack> {
  const sfu = await startSfuServer({ env: { SFU_WORKERS: '1', LOG_LEVEL: 'warn' } });
  const stack = await startStack({ ...options, sfuUrl: sfu.url, sfuSecret: sfu.secret });
  await stack.addNode();
  const [nodeA, nodeB] = stack.nodes.map((node) => node.url) as [string, string];
  await waitFor(async () => (await fetch(`${nodeA}/healthz`)).ok && (await fetch(`${nodeB}/healthz`)).ok);
  return {
    sfu,
    stack,
    nodeA,
    nodeB,
    async stop() {
      await stack.stop();
      await sfu.stop();
    },
  };
}

/** A real Redis with the demo data and signaling running in this process on a free port. */
export async function startStack(options: StackOptions = {}): Promise<TestStack> {
  const redisServer = await startRedis();
  const redis: RedisClient = createClient({ url: redisServer.url });
  // A test that stops Redis on purpose: this connection reconnects by itself, without crashing the run.
  redis.on('error', () => undefined);
  await redis.connect();
  await seedDemo(redis);
  // Nothing listens on this port: the SFU is "down" unless the test brings a real one.
  const sfuUrl = options.sfuUrl ?? `http://127.0.0.1:${await freePort()}`;
  const nodes: TestNode[] = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'ehop-data-'));

  const addNode = async () => {
    const config = loadConfig({
      REDIS_URL: redisServer.url,
      SFU_URL: sfuUrl,
      SFU_SECRET: options.sfuSecret ?? 'dev-sfu-secret',
      SFU_REQUEST_TIMEOUT_MS: '5000',
      PORT: '0',
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
      DATA_DIR: dataDir,
      ...options.env,
    });
    const server = await createSignalingServer(config);
    const node = { url: await server.listen(), server };
    nodes.push(node);
    return node;
  };
  await addNode();

  return {
    redisServer,
    redis,
    nodes,
    dataDir,
    addNode,
    async stop() {
      await Promise.allSettled(nodes.map((node) => node.server.close()));
      await redis.quit().catch(() => undefined);
      await redisServer.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A stand-in for client/dist (CLIENT_DIST): index.html with the app's mount point and one asset,
 * `/assets/app.js`, which logs "ehop". The caller removes the folder.
 */
export async function fakeClientDist(): Promise<string> {
  const dist = await mkdtemp(join(tmpdir(), 'ehop-client-dist-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>eHọp</title><div id="app"></div>');
  await writeFile(join(dist, 'assets', 'app.js'), 'console.log("ehop")');
  return dist;
}

/** Logs in over HTTP; resolves to the Cookie header value to send afterwards. */
export async function login(url: string, username: string, password = DEFAULT_DEMO_PASSWORD): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`login of ${username} failed: ${response.status} ${await response.text()}`);
  return sessionCookie(response);
}

export function sessionCookie(response: Response): string {
  const cookie = response.headers.getSetCookie().find((header) => header.startsWith('ehop.sid='));
  if (!cookie) throw new Error('no session cookie in the response');
  return cookie.split(';')[0]!;
}

export function getJson(url: string, cookie?: string): Promise<Response> {
  return fetch(url, { headers: cookie ? { cookie } : {} });
}

const openSockets = new Set<Socket>();

/**
 * A socket.io client carrying the session cookie, as a browser would (`headers`: e.g. the Origin
 * a browser names). Rejects on connect_error.
 */
export function connectSocket(
  url: string,
  cookie?: string,
  transports: ('polling' | 'websocket')[] = ['polling', 'websocket'],
  headers: Record<string, string> = {},
): Promise<Socket> {
  const socket = connectClient(url, {
    extraHeaders: { ...headers, ...(cookie ? { cookie } : {}) },
    transports,
    reconnection: false,
    forceNew: true,
  });
  openSockets.add(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

export function closeAllSockets(): void {
  for (const socket of openSockets) socket.disconnect();
  openSockets.clear();
}

/** Sends a client request exactly as the browser app does and resolves to the acknowledgement. */
export function request<K extends ClientRequestName>(socket: Socket, name: K, payload: ClientRequest<K> | unknown): Promise<Ack<ClientResponse<K>>> {
  return socket.timeout(10_000).emitWithAck(name, payload) as Promise<Ack<ClientResponse<K>>>;
}

/** Resolves with the next `event` the socket receives. */
export function nextEvent<K extends ServerEventName>(socket: Socket, event: K, timeoutMs = 5_000): Promise<ServerEvent<K>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event as string, (payload: ServerEvent<K>) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Collects every `event` the socket receives from now on. */
export function collectEvents<K extends ServerEventName>(socket: Socket, event: K): ServerEvent<K>[] {
  const events: ServerEvent<K>[] = [];
  socket.on(event as string, (payload: ServerEvent<K>) => events.push(payload));
  return events;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A JSON request with the session cookie; resolves to the response (any status). */
export function sendJson(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, cookie: string | undefined, body?: unknown): Promise<Response> {
  return fetch(url, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The `error.code` of an error response. */
export async function errorCode(response: Response): Promise<string | undefined> {
  return ((await response.json()) as { error?: { code?: string } }).error?.code;
}

/** Polls `check` until it holds (or fails the test after `timeoutMs`). */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

/**
 * A connection of the test's own to the SFU's internal API (a node of its own: no node id), to ask
 * the SFU what it holds; connected before it is returned.
 */
export async function connectSfuProbe(sfu: Pick<SfuServerHandle, 'url' | 'secret'>): Promise<SfuClient> {
  const probe = new SfuClient({ url: sfu.url, secret: sfu.secret, requestTimeoutMs: 5_000 }, pino({ level: 'silent' }));
  probe.connect();
  await waitFor(() => probe.connected);
  return probe;
}
