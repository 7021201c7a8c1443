import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import { RequestError } from '@ehop/protocol';
import type { types } from 'mediasoup';
import type { Logger } from '../logger.js';
import { mediaCodecs } from './media-codecs.js';

export interface WorkerPoolSettings {
  size: number;
  rtcMinPort: number;
  rtcMaxPort: number;
}

/** A worker process that died, and the rooms whose routers lived on it. */
export interface WorkerLoss {
  pid: number;
  roomIds: string[];
}

export interface WorkerInfo {
  pid: number;
  rooms: number;
}

interface PooledWorker {
  worker: types.Worker;
  roomIds: Set<string>;
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
 * One mediasoup worker (a C++ process, single-threaded) per core. A new meeting's router goes to
 * the worker carrying the fewest meetings. A worker that dies is replaced at once, and the pool
 * reports which meetings died with it so their peers can rebuild elsewhere.
 */
export class WorkerPool extends EventEmitter<{ workerDied: [WorkerLoss] }> {
  private readonly workers: PooledWorker[] = [];
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
      for (let i = 0; i < settings.size; i++) await pool.addWorker();
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Creates a meeting's router on the least-loaded worker. */
  async createRouter(roomId: string): Promise<types.Router> {
    const pooled = pickLeastLoaded(this.workers, (candidate) => candidate.roomIds.size);
    if (!pooled) throw new RequestError('media_unavailable', 'no media worker is running; retry shortly');
    // Counted before the await so that rooms opened at the same moment spread over the workers.
    pooled.roomIds.add(roomId);
    try {
      const router = await pooled.worker.createRouter({ mediaCodecs, appData: { roomId } });
      router.observer.once('close', () => {
        // When the worker itself died the room is reported lost instead; keep it listed until then.
        if (!pooled.worker.closed) pooled.roomIds.delete(roomId);
      });
      return router;
    } catch (error) {
      pooled.roomIds.delete(roomId);
      throw error;
    }
  }

  /** All configured workers are running. */
  get healthy(): boolean {
    return this.workers.length === this.settings.size;
  }

  describe(): WorkerInfo[] {
    return this.workers.map(({ worker, roomIds }) => ({ pid: worker.pid, rooms: roomIds.size }));
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

  private async addWorker(): Promise<void> {
    const worker = await mediasoup.createWorker({
      logLevel: 'warn',
      rtcMinPort: this.settings.rtcMinPort,
      rtcMaxPort: this.settings.rtcMaxPort,
    });
    if (this.closed) {
      worker.close();
      return;
    }
    const pooled: PooledWorker = { worker, roomIds: new Set() };
    worker.on('died', (error: Error) => this.onWorkerDied(pooled, error));
    this.workers.push(pooled);
    this.log.info({ workerPid: worker.pid, workers: this.workers.length }, 'mediasoup worker started');
  }

  private onWorkerDied(pooled: PooledWorker, error: Error): void {
    const index = this.workers.indexOf(pooled);
    if (index >= 0) this.workers.splice(index, 1);
    const loss: WorkerLoss = { pid: pooled.worker.pid, roomIds: [...pooled.roomIds] };
    this.log.error({ workerPid: loss.pid, roomIds: loss.roomIds, err: error }, 'mediasoup worker died');
    this.emit('workerDied', loss);
    this.replaceWorker();
  }

  private replaceWorker(): void {
    if (this.closed) return;
    this.addWorker().catch((error: unknown) => {
      this.log.error({ err: error, retryInMs: RESPAWN_RETRY_MS }, 'could not start a replacement mediasoup worker');
      setTimeout(() => this.replaceWorker(), RESPAWN_RETRY_MS).unref();
    });
  }
}
