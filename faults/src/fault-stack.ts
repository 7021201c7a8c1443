import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import type { SfuRequest, SfuRequestName, SfuResponse } from '@ehop/protocol';
import {
  buildSignaling,
  createHostNetwork,
  type HostNetwork,
  startRedis,
  startSfuServer,
  startSignaling,
  type RedisHandle,
  type SfuServerHandle,
  type SignalingHandle,
  type StartRedisOptions,
} from '@ehop/testkit';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The demo seed's meeting and password (signaling/src/seed/demo-seed.ts). */
export const MEETING_ID = 'demo-ubnd-tinh';
const DEMO_PASSWORD = 'ehop-demo-2026';
/** Every SFU node of a cluster shares signaling's SFU_SECRET. */
const CLUSTER_SFU_SECRET = 'fault-suite-sfu-cluster-secret';

/**
 * How long a test may take to build, start and fill the system (about 40 s on an idle 2-core
 * machine, minutes on a busy one). Generous: a set-up hook that times out cannot stop what it is
 * still starting, which would outlive the test.
 */
export const SET_UP_MS = 300_000;

export interface FaultStackOptions {
  /** Signaling nodes sharing Redis and the SFU (the Redis adapter joins their rooms). */
  signalingNodes?: number;
  /** SFU_NODE_GRACE_MS: how long the SFU keeps a vanished signaling node's peers. */
  nodeGraceMs?: number;
  redis?: StartRedisOptions;
  sfuEnv?: Record<string, string>;
  /**
   * Several SFU nodes announcing themselves in Redis (signaling runs with SFU_DISCOVERY=redis),
   * each serving a unit; without it, one SFU that signaling reaches by SFU_URL.
   */
  sfuNodes?: { id: string; unitId: string | null }[];
  /**
   * With `sfuNodes`: run signaling and each SFU node in a network namespace of its own, with its
   * own address, as separate hosts (testkit host-network.ts; needs root). Redis and the test's
   * clients stay on this host, reached at the bridge's gateway address.
   */
  separateHosts?: boolean;
  /** Extra environment of every signaling node (SFU_PEER_PLACEMENT=unit, ...). */
  signalingEnv?: Record<string, string>;
}

/** The whole system as separate processes, each of which a test may kill: Redis, the SFU, signaling. */
export interface FaultStack {
  redis: RedisHandle;
  /** The SFU (with `sfuNodes`: the first of them). */
  sfu: SfuServerHandle;
  /** Every SFU node, in the order of `sfuNodes`. */
  sfus: SfuServerHandle[];
  nodes: SignalingHandle[];
  /** The test's own link to the SFU's internal API (no node id: it owns no peers). */
  sfuProbe: SfuProbe;
  /** Signaling's DATA_DIR (recordings under `recordings/<meetingId>/`); removed by stop(). */
  dataDir: string;
  /** With `separateHosts`: the simulated hosts (removed by stop()). */
  network: HostNetwork | null;
  /** Signs a demo user in at a node; resolves to the Cookie header value. */
  login(username: string, url?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startFaultStack(options: FaultStackOptions = {}): Promise<FaultStack> {
  // Whatever started is stopped again if a later step fails: no server outlives a failed set-up.
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const service of started.splice(0).reverse()) await service.stop().catch(() => undefined);
  };
  try {
    const cluster = options.sfuNodes;
    const network = cluster && options.separateHosts ? await createHostNetwork(['signaling', ...cluster.map(({ id }) => id)]) : null;
    if (network) started.push({ stop: () => network.remove() });
    const hostOf = (name: string) => (network ? { netns: network.hosts[name]!.netns, host: network.hosts[name]!.ip } : {});
    // Redis as the other hosts reach it: at the gateway of their network.
    const seenFromHosts = (url: string) => (network ? url.replace('@127.0.0.1:', `@${network.gatewayIp}:`) : url);
    // As deployed: every acknowledged write is on disk before its acknowledgement.
    const redis = await startRedis({ appendfsync: 'always', ...(network ? { alsoBind: [network.gatewayIp] } : {}), ...options.redis });
    started.push(redis);
    const dataDir = await mkdtemp(join(tmpdir(), 'ehop-faults-'));
    started.push({ stop: () => rm(dataDir, { recursive: true, force: true }) });
    const sfuEnv = { SFU_WORKERS: '1', LOG_LEVEL: 'warn', SFU_NODE_GRACE_MS: String(options.nodeGraceMs ?? 5_000), ...options.sfuEnv };
    const sfus: SfuServerHandle[] = [];
    for (const node of cluster ?? [{ id: 'sfu', unitId: null }]) {
      const announce = cluster
        ? { SFU_REDIS_URL: seenFromHosts(redis.sfuUrl), SFU_NODE_ID: node.id, ...(node.unitId ? { SFU_UNIT_ID: node.unitId } : {}), SFU_SECRET: CLUSTER_SFU_SECRET }
        : {};
      const sfu = await startSfuServer({ env: { ...sfuEnv, ...announce }, ...hostOf(node.id) });
      sfus.push(sfu);
      started.push(sfu);
    }
    const sfu = sfus[0]!;
    await buildSignaling();
    await promisify(execFile)(process.execPath, ['signaling/dist/seed/seed-demo.js'], { cwd: repoRoot, env: { ...process.env, REDIS_URL: redis.url } });
    const nodes: SignalingHandle[] = [];
    for (let i = 0; i < (options.signalingNodes ?? 1); i++) {
      // One session secret for all, as in a deployment: a browser's cookie works at every node.
      const env = { LOG_LEVEL: 'warn', SESSION_SECRET: 'fault-suite-session-secret', DATA_DIR: dataDir };
      const discovery: Record<string, string> = cluster ? { SFU_DISCOVERY: 'redis' } : {};
      // The recorder runs beside signaling: SFUs on other hosts send its media to signaling's address.
      const recorder: Record<string, string> = network ? { RECORDER_MEDIA_IP: network.hosts['signaling']!.ip } : {};
      const sfuUrl = cluster ? '' : sfu.url;
      const node = await startSignaling({
        redisUrl: seenFromHosts(redis.url),
        sfuUrl,
        sfuSecret: sfu.secret,
        build: false,
        env: { ...env, ...discovery, ...recorder, ...options.signalingEnv },
        ...(network && i === 0 ? hostOf('signaling') : {}),
      });
      nodes.push(node);
      started.push(node);
    }
    const sfuProbe = await SfuProbe.connect(sfu.url, sfu.secret);
    started.push({ stop: async () => sfuProbe.close() });
    return { redis, sfu, sfus, nodes, network, sfuProbe, dataDir, login: (username, url = nodes[0]!.url) => login(url, username), stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * A unit made for the test under `parentId`, and the given users moved into it. The unit is written
 * as signaling's UnitRepository stores it, because its id must be the one an SFU node was started
 * with (the administrators' API gives a new unit a random suffix); the users are moved through the
 * administrators' API, which checks that the unit exists.
 */
export async function moveIntoNewUnit(
  stack: FaultStack,
  unit: { id: string; name: string; level: string; parentId: string },
  userIds: readonly string[],
): Promise<void> {
  const { createClient } = await import('redis');
  const redis = createClient({ url: stack.redis.url });
  await redis.connect();
  try {
    await redis.multi().hSet(`unit:${unit.id}`, { id: unit.id, name: unit.name, level: unit.level, parentId: unit.parentId }).sAdd('units', unit.id).exec();
  } finally {
    await redis.disconnect();
  }
  const cookie = await stack.login('admin');
  for (const userId of userIds) {
    const moved = await fetch(`${stack.nodes[0]!.url}/api/admin/users/${userId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ unitId: unit.id }),
    });
    if (moved.status !== 200) throw new Error(`${userId} not moved into ${unit.id}: ${moved.status} ${await moved.text()}`);
  }
}

async function login(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login of ${username} failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((header) => header.startsWith('ehop.sid='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}

/** The SFU's internal API, reconnecting by itself across an SFU restart. */
export class SfuProbe {
  private constructor(private readonly socket: Socket) {}

  static connect(url: string, secret: string): Promise<SfuProbe> {
    const socket = io(url, { auth: { token: secret }, transports: ['websocket'], forceNew: true, reconnectionDelay: 200, reconnectionDelayMax: 500 });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new SfuProbe(socket)));
      socket.once('connect_error', reject);
    });
  }

  async request<K extends SfuRequestName>(name: K, payload: SfuRequest<K>): Promise<SfuResponse<K>> {
    const ack = (await this.socket.timeout(10_000).emitWithAck(name, payload)) as
      | { ok: true; data: SfuResponse<K> }
      | { ok: false; error: { code: string; message: string } };
    if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  }

  /** The peers the SFU holds in the meeting's room (0 when the room does not exist). */
  async peerCount(roomId: string): Promise<number> {
    if (!this.socket.connected) return -1;
    return this.request('room:stats', { roomId }).then(
      (stats) => stats.peers,
      () => 0,
    );
  }

  close(): void {
    this.socket.close();
  }
}
