import type { types } from 'mediasoup';
import { RequestError } from '@ehop/protocol';
import type { PeerSeat, RouterPlacement, WorkerPool } from './worker-pool.js';

/*
 * One meeting over several workers of this node. A room keeps one router per worker it uses
 * (mediasoup 3.12 cannot pipeToRouter between two routers of one worker). The first one, the
 * home router, carries what exists once per room: the main-screen feed, the active speaker
 * observer, the recorder's taps. A producer lives on its peer's router; before anyone on another
 * router consumes it, it is piped there once (the piped producer keeps the original's id, so
 * everything else keeps addressing tracks by producer id). mediasoup closes a pipe producer when
 * the original closes, and pauses/resumes it with the original (pipeToRouter wires the pipe
 * consumer's events to it).
 *
 * Kept simple on purpose: if any worker of a room dies, the whole room is lost (the pool reports
 * the room on every worker it has a router on, and the registry closes the rest), as with one worker.
 */

/** `single`: a room lives on one worker (the least loaded when it opens). `spread`: each new peer goes to the least-loaded worker. */
export type RoomSpread = 'single' | 'spread';

/** Where one peer's transports go: its router, and that worker's WebRtcServer. */
export interface PeerPlacement {
  router: types.Router;
  webRtcServer: types.WebRtcServer;
}

/** The part of the worker pool a room needs: routers on a given worker, and counting peers per worker. */
export type RouterSource = Pick<WorkerPool, 'createRouter' | 'seatPeer'>;

export class RoomRouters {
  /** By worker pid; a promise so that peers arriving together on a new worker share one router. */
  private readonly byWorker = new Map<number, Promise<RouterPlacement>>();
  private readonly routers: types.Router[] = [];
  /** Pipes made or being made, by `producerId>routerId`: each producer goes to each router once. */
  private readonly pipes = new Map<string, Promise<void>>();
  private readonly seats = new Map<string, PeerSeat>();
  private readonly listeners: ((router: types.Router) => void)[] = [];

  constructor(
    readonly roomId: string,
    private readonly homePlacement: RouterPlacement,
    private readonly pool: RouterSource,
    readonly spread: RoomSpread,
  ) {
    this.byWorker.set(homePlacement.workerPid, Promise.resolve(homePlacement));
    this.routers.push(homePlacement.router);
  }

  /** The room's first router: the feed, the speaker observer and the recorder live here. */
  get home(): types.Router {
    return this.homePlacement.router;
  }

  /** Closed with the room, or one of its workers died (the room is then lost as a whole). */
  get closed(): boolean {
    return this.routers.some((router) => router.closed);
  }

  /** The routers the room has now. */
  all(): readonly types.Router[] {
    return this.routers;
  }

  /** Producers piped so far, counting each (producer, far router) once: for tests and logs. */
  get pipeCount(): number {
    return this.pipes.size;
  }

  /**
   * Calls `listener` for every router, present and future, before any transport exists on it:
   * what watches the room's routers (send layers, key frames) must see them all.
   */
  onRouter(listener: (router: types.Router) => void): void {
    this.listeners.push(listener);
    for (const router of this.routers) listener(router);
  }

  /** Where a new peer's transports go (once per peer: the room asks at its first transport). */
  async placePeer(peerId: string): Promise<PeerPlacement> {
    if (this.spread === 'single') return this.homePlacement;
    const seat = this.pool.seatPeer();
    this.seats.get(peerId)?.release();
    this.seats.set(peerId, seat);
    try {
      return await this.routerOn(seat.workerPid);
    } catch (error) {
      this.leave(peerId);
      throw error;
    }
  }

  /** The peer left: its worker counts one peer fewer. */
  leave(peerId: string): void {
    this.seats.get(peerId)?.release();
    this.seats.delete(peerId);
  }

  /**
   * Makes `producerId` (living on `from`) consumable on `to`: piped once, on demand; concurrent
   * callers share the pipe. A pipe whose producer closes is forgotten with it.
   */
  pipe(producerId: string, from: types.Router, to: types.Router): Promise<void> {
    if (from === to) return Promise.resolve();
    const key = `${producerId}>${to.id}`;
    let piping = this.pipes.get(key);
    if (!piping) {
      piping = from.pipeToRouter({ producerId, router: to }).then(
        ({ pipeProducer }) => {
          pipeProducer?.observer.once('close', () => this.pipes.delete(key));
        },
        (error: unknown) => {
          // A later attempt may succeed (the producer was being created); do not remember the failure.
          this.pipes.delete(key);
          throw error;
        },
      );
      this.pipes.set(key, piping);
    }
    return piping;
  }

  /** Closes every router (and with them every transport) and gives back the peers' seats. */
  close(): void {
    for (const seat of this.seats.values()) seat.release();
    this.seats.clear();
    for (const router of this.routers) router.close();
  }

  /** The room's router on that worker, created on first use. */
  private routerOn(workerPid: number): Promise<RouterPlacement> {
    let placement = this.byWorker.get(workerPid);
    if (!placement) {
      placement = this.pool.createRouter(this.roomId, workerPid).then((created) => {
        if (created.router.closed || this.closed) {
          created.router.close();
          throw new RequestError('media_unavailable', `room ${this.roomId} closed or lost a worker while a router was created for it`);
        }
        this.routers.push(created.router);
        for (const listener of this.listeners) listener(created.router);
        return created;
      });
      placement.catch(() => this.byWorker.delete(workerPid));
      this.byWorker.set(workerPid, placement);
    }
    return placement;
  }
}
