import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import { RequestError } from '@ehop/protocol';
import type { types } from 'mediasoup';
import type { Logger } from '../logger.js';
import { mediaCodecs } from './media-codecs.js';

/** Where browsers reach a worker: its WebRtcServer's one UDP and one TCP port. */
export interface WebRtcListen {
  listenIp: string;
  /** The address browsers are told (behind NAT, or when listening on 0.0.0.0). */
  announcedIp: string | undefined;
  /**
   * Worker i listens on `firstPort + i`, UDP and TCP. 0: each worker takes free ports from the
   * internal range when it first starts (tests, where many SFUs run at once), and keeps them.
   */
  firstPort: number;
}

export interface WorkerPoolSettings {
  size: number;
  /** The internal range for plain transports (recording, synthetic endpoints); not for browsers. */
  rtcMinPort: number;
  rtcMaxPort: number;
  webRtc: WebRtcListen;
}

export interface RtcPorts {
  udp: number;
  tcp: number;
}

/** Where a new meeting's router lives, and the server its browser transports share. */
export interface RouterPlacement {
  router: types.Router;
  webRtcServer: types.WebRtcServer;
  /** Its worker's process id: a room keeps at most one router per worker (see room-routers.ts). */
  workerPid: number;
}

/** A peer counted on a worker (rooms spread over workers): `release()` when it leaves. */
export interface PeerSeat {
  workerPid: number;
  release(): void;
}

/** A worker process that died, and the rooms whose routers lived on it. */
export interface WorkerLoss {
  pid: number;
  roomIds: string[];
}

export interface WorkerInfo {
  pid: number;
  rooms: number;
  /** The ports its browsers reach it on. */
  rtcPorts: RtcPorts;
}

interface PooledWorker {
  /** Its place in the pool: a replacement takes the same slot, and so the same ports. */
  slot: number;
  worker: types.Worker;
  webRtcServer: types.WebRtcServer;
  ports: RtcPorts;
  roomIds: Set<string>;
  /** Peers of spread rooms placed on it (see seatPeer). */
  peers: number;
}

/** Of `candidates`, the one with the lowest load (the first of equals); undefined when empty. */
export function pickLeastLoaded<T>(candidates: readonly T[], loadOf: (candidate: T) => number): T | undefined {
  let best: T | undefined;
  let bestLoad = Infinity;
  for (const candidate of candidates) {
    const load = loadOf(candidate);
    if (load < bestLoad) {
      best = candidate;
      bestLoad = load;
    }
  }
  return best;
}

/**
 * The WebRtcServer's listen infos: UDP and TCP on the same address. Without `ports` (first start
 * with `firstPort` 0) mediasoup picks free ones from the worker's internal range.
 */
export function webRtcListenInfos(listen: WebRtcListen, ports: RtcPorts | undefined): types.WebRtcServerListenInfo[] {
  const announced = listen.announcedIp ? { announcedIp: listen.announcedIp } : {};
  return [
    { protocol: 'udp', ip: listen.listenIp, ...announced, ...(ports ? { port: ports.udp } : {}) },
    { protocol: 'tcp', ip: listen.listenIp, ...announced, ...(ports ? { port: ports.tcp } : {}) },
  ];
}

/** The ports a slot's worker must listen on: configured, or those its first worker was given; undefined = any. */
export function portsOfSlot(firstPort: number, slot: number, learned: RtcPorts | undefined): RtcPorts | undefined {
  if (firstPort === 0) return learned;
  return { udp: firstPort + slot, tcp: firstPort + slot };
}

const RESPAWN_RETRY_MS = 2_000;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * One mediasoup worker (a C++ process, single-threaded) per core, each with one WebRtcServer: all
 * browsers reach a worker on one UDP and one TCP port. A new meeting's router goes to the worker
 * carrying the fewest meetings; a peer of a meeting spread over workers, to the one carrying the
 * fewest such peers (room-routers.ts). A worker that dies is replaced at once, on the same ports,
 * and the pool reports which meetings died with it so their peers can rebuild elsewhere.
 */
export class WorkerPool extends EventEmitter<{ workerDied: [WorkerLoss] }> {
  private readonly workers: PooledWorker[] = [];
  private capabilities: Promise<types.RtpCapabilities> | null = null;
  /** Ports each slot's first worker got when they were not configured (`firstPort` 0). */
  private readonly learnedPorts = new Map<number, RtcPorts>();
  private closed = false;

  private constructor(
    private readonly settings: WorkerPoolSettings,
    private readonly log: Logger,
  ) {
    super();
  }

  static async start(settings: WorkerPoolSettings, log: Logger): Promise<WorkerPool> {
    const pool = new WorkerPool(settings, log);
    try {
      for (let slot = 0; slot < settings.size; slot++) await pool.addWorker(slot);
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Creates a meeting's router on the least-loaded worker, or on the worker `workerPid` (a spread room's next one). */
  async createRouter(roomId: string, workerPid?: number): Promise<RouterPlacement> {
    const pooled =
      workerPid === undefined
        ? pickLeastLoaded(this.workers, (candidate) => candidate.roomIds.size)
        : this.workers.find((candidate) => candidate.worker.pid === workerPid);
    if (!pooled) throw new RequestError('media_unavailable', 'no media worker is running; retry shortly');
    // Counted before the await so that rooms opened at the same moment spread over the workers.
    pooled.roomIds.add(roomId);
    try {
      // Its worker in appData: which worker a room's router is on shows in dumps, logs and tests.
      const router = await pooled.worker.createRouter({ mediaCodecs, appData: { roomId, workerPid: pooled.worker.pid } });
      router.observer.once('close', () => {
        // When the worker itself died the room is reported lost instead; keep it listed until then.
        if (!pooled.worker.closed) pooled.roomIds.delete(roomId);
      });
      return { router, webRtcServer: pooled.webRtcServer, workerPid: pooled.worker.pid };
    } catch (error) {
      pooled.roomIds.delete(roomId);
      throw error;
    }
  }

  /**
   * What every router of this node speaks (they all have the same codecs, so the same payload
   * types): read once from a router made for it and closed at once. Browsers load it before they
   * join, so that joining does not wait for their WebRTC device.
   */
  routerCapabilities(): Promise<types.RtpCapabilities> {
    this.capabilities ??= this.readCapabilities().catch((error: unknown) => {
      this.capabilities = null;
      throw error;
    });
    return this.capabilities;
  }

  private async readCapabilities(): Promise<types.RtpCapabilities> {
    const pooled = this.workers.find((candidate) => !candidate.worker.closed);
    if (!pooled) throw new RequestError('media_unavailable', 'no media worker is running; retry shortly');
    const router = await pooled.worker.createRouter({ mediaCodecs });
    router.close();
    return router.rtpCapabilities;
  }

  /**
   * Counts a new peer on the worker carrying the fewest peers (then the fewest meetings): where a
   * spread room puts its transports. Counted at once, so peers joining together spread too.
   */
  seatPeer(): PeerSeat {
    const pooled = pickLeastLoaded(this.workers, (candidate) => candidate.peers * 1_000 + candidate.roomIds.size);
    if (!pooled) throw new RequestError('media_unavailable', 'no media worker is running; retry shortly');
    pooled.peers++;
    let released = false;
    return {
      workerPid: pooled.worker.pid,
      release: () => {
        if (released) return;
        released = true;
        pooled.peers--;
      },
    };
  }

  /** All configured workers are running. */
  get healthy(): boolean {
    return this.workers.length === this.settings.size;
  }

  describe(): WorkerInfo[] {
    return this.workers.map(({ worker, roomIds, ports }) => ({ pid: worker.pid, rooms: roomIds.size, rtcPorts: { ...ports } }));
  }

  /** Peers of spread rooms seated on each worker now, by process id. */
  seatedPeers(): Map<number, number> {
    return new Map(this.workers.map(({ worker, peers }) => [worker.pid, peers]));
  }

  /**
   * Closes every worker and resolves once their processes are gone: mediasoup only sends SIGTERM,
   * and a worker outliving us would keep its RTC ports bound.
   */
  async close(graceMs = 3_000): Promise<void> {
    this.closed = true;
    const pids = this.workers.splice(0).map(({ worker }) => {
      worker.close();
      return worker.pid;
    });
    const deadline = Date.now() + graceMs;
    while (pids.some(isRunning) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const pid of pids.filter(isRunning)) {
      this.log.warn({ workerPid: pid }, 'mediasoup worker ignored SIGTERM; killing it');
      process.kill(pid, 'SIGKILL');
    }
  }

  private async addWorker(slot: number): Promise<void> {
    const worker = await mediasoup.createWorker({
      logLevel: 'warn',
      rtcMinPort: this.settings.rtcMinPort,
      rtcMaxPort: this.settings.rtcMaxPort,
    });
    const { webRtcServer, ports } = await this.listen(worker, slot).catch((error: unknown) => {
      worker.close();
      throw error;
    });
    if (this.closed) {
      worker.close();
      return;
    }
    const pooled: PooledWorker = { slot, worker, webRtcServer, ports, roomIds: new Set(), peers: 0 };
    worker.on('died', (error: Error) => this.onWorkerDied(pooled, error));
    this.workers.push(pooled);
    this.log.info({ workerPid: worker.pid, workers: this.workers.length, slot, rtcPorts: ports }, 'mediasoup worker started');
  }

  /** The worker's WebRtcServer, on its slot's ports. */
  private async listen(worker: types.Worker, slot: number): Promise<{ webRtcServer: types.WebRtcServer; ports: RtcPorts }> {
    const { webRtc } = this.settings;
    const wanted = portsOfSlot(webRtc.firstPort, slot, this.learnedPorts.get(slot));
    let webRtcServer: types.WebRtcServer;
    try {
      webRtcServer = await worker.createWebRtcServer({ listenInfos: webRtcListenInfos(webRtc, wanted), appData: { slot } });
    } catch (error) {
      const where = wanted ? `UDP ${wanted.udp} / TCP ${wanted.tcp}` : 'free ports of RTC_MIN_PORT..RTC_MAX_PORT';
      throw new Error(`mediasoup worker ${slot} cannot listen for WebRTC on ${webRtc.listenIp}, ${where}: ${(error as Error).message}`);
    }
    const ports = wanted ?? (await boundPorts(webRtcServer));
    this.learnedPorts.set(slot, ports);
    return { webRtcServer, ports };
  }

  private onWorkerDied(pooled: PooledWorker, error: Error): void {
    const index = this.workers.indexOf(pooled);
    if (index >= 0) this.workers.splice(index, 1);
    const loss: WorkerLoss = { pid: pooled.worker.pid, roomIds: [...pooled.roomIds] };
    this.log.error({ workerPid: loss.pid, roomIds: loss.roomIds, err: error }, 'mediasoup worker died');
    this.emit('workerDied', loss);
    this.replaceWorker(pooled.slot);
  }

  private replaceWorker(slot: number): void {
    if (this.closed) return;
    this.addWorker(slot).catch((error: unknown) => {
      this.log.error({ err: error, slot, retryInMs: RESPAWN_RETRY_MS }, 'could not start a replacement mediasoup worker');
      setTimeout(() => this.replaceWorker(slot), RESPAWN_RETRY_MS).unref();
    });
  }
}

/** The ports mediasoup chose for a WebRtcServer created without any. */
async function boundPorts(webRtcServer: types.WebRtcServer): Promise<RtcPorts> {
  const dump = (await webRtcServer.dump()) as { udpSockets: { port: number }[]; tcpServers: { port: number }[] };
  const [udp, tcp] = [dump.udpSockets[0]?.port, dump.tcpServers[0]?.port];
  if (udp === undefined || tcp === undefined) throw new Error('the WebRtcServer reports no UDP or TCP port');
  return { udp, tcp };
}
