import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { RequestError, type LinkTrackState, type MainFeedSource, type PeerNotification } from '@ehop/protocol';
import type { Logger } from '../logger.js';
import type { TransportSettings } from './media-peer.js';
import type { PeerLimits } from './peer-limits.js';
import { MediaRoom } from './media-room.js';
import { RoomRouters, type RoomSpread } from './room-routers.js';
import type { SubscriptionRule } from './subscription-policy.js';
import type { WorkerLoss, WorkerPool } from './worker-pool.js';

export interface RoomRegistryEvents {
  peerNotification: [roomId: string, peerId: string, notification: PeerNotification];
  roomLost: [roomId: string, reason: string];
  activeSpeaker: [roomId: string, speaker: { peerId: string; userId: string } | null];
  mainFeed: [roomId: string, source: MainFeedSource];
  /** A track sent over a link to another node was paused, resumed or closed here (node-link.ts). */
  linkTrackState: [roomId: string, linkId: string, producerId: string, state: LinkTrackState];
  /** This node's receivers want at most this layer of a camera received over a link (send-layers.ts). */
  linkSendLayers: [roomId: string, linkId: string, producerId: string, maxSpatialLayer: number];
}

export interface RoomOptions {
  /** Who receives what; the conference rule unless a benchmark asks for its baseline. */
  rule?: SubscriptionRule;
  /** How long a camera keeps sending a simulcast layer after its last receiver left it (see SendLayers). */
  layerLingerMs?: number;
  /** Transports, producers and consumers one peer may hold (see MediaPeer). */
  peerLimits?: PeerLimits;
  /** Where the recorder's plain transports listen (default 127.0.0.1: the recorder on this host). */
  recorderListenIp?: string;
  /** One worker per room (`single`, the default) or each peer on the least-loaded worker (`spread`). */
  spread?: RoomSpread;
  /** Where rooms' links to other SFU nodes listen (default 127.0.0.1). */
  linkListenIp?: types.TransportListenIp;
}

/** How often the ActiveSpeakerObserver may name a new dominant speaker (ms). */
const ACTIVE_SPEAKER_INTERVAL_MS = 300;

/** The meetings this SFU carries, by id. */
export class RoomRegistry extends EventEmitter<RoomRegistryEvents> {
  private readonly rooms = new Map<string, MediaRoom>();
  /** Rooms whose router is being created, so that concurrent opens share one router. */
  private readonly opening = new Map<string, Promise<MediaRoom>>();

  constructor(
    private readonly pool: WorkerPool,
    /** For every transport; the WebRtcServer is each peer's worker's (room-routers.ts). */
    private readonly transportSettings: TransportSettings,
    private readonly log: Logger,
    private readonly roomOptions: RoomOptions = {},
  ) {
    super();
    pool.on('workerDied', (loss) => this.forgetRoomsOf(loss));
  }

  /** Idempotent: returns the room, creating its router on the least-loaded worker if needed. */
  async open(roomId: string): Promise<MediaRoom> {
    const existing = this.rooms.get(roomId) ?? this.opening.get(roomId);
    if (existing) return existing;
    const opening = this.create(roomId).finally(() => this.opening.delete(roomId));
    this.opening.set(roomId, opening);
    return opening;
  }

  get(roomId: string): MediaRoom {
    const room = this.rooms.get(roomId);
    if (!room) throw new RequestError('not_found', `room ${roomId} is not open`);
    return room;
  }

  /** The router capabilities of the room, or (not open yet) of any router of this node: the same. */
  async capabilities(roomId: string): Promise<types.RtpCapabilities> {
    return this.find(roomId)?.rtpCapabilities ?? this.pool.routerCapabilities();
  }

  find(roomId: string): MediaRoom | undefined {
    return this.rooms.get(roomId);
  }

  /** Idempotent. */
  close(roomId: string): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    this.rooms.delete(roomId);
    room.close();
    this.log.info({ roomId }, 'room closed');
  }

  closeAll(): void {
    for (const roomId of [...this.rooms.keys()]) this.close(roomId);
  }

  /** What this node carries: its running workers, its meetings, their peers. */
  load(): { workers: number; rooms: number; peers: number } {
    return { workers: this.pool.describe().length, ...this.counts() };
  }

  counts(): { rooms: number; peers: number } {
    let peers = 0;
    for (const room of this.rooms.values()) peers += room.peerCount;
    return { rooms: this.rooms.size, peers };
  }

  private async create(roomId: string): Promise<MediaRoom> {
    const home = await this.pool.createRouter(roomId);
    const { router } = home;
    // Its worker died while we waited; the pool already reported the loss before we registered.
    if (router.closed) throw new RequestError('media_unavailable', `room ${roomId} lost its media worker; retry`);
    const activeSpeakerObserver = await router.createActiveSpeakerObserver({ interval: ACTIVE_SPEAKER_INTERVAL_MS });
    const routers = new RoomRouters(roomId, home, this.pool, this.roomOptions.spread ?? 'single');
    const room = new MediaRoom(roomId, routers, {
      transportSettings: this.transportSettings,
      notify: (peerId, notification) => this.emit('peerNotification', roomId, peerId, notification),
      onActiveSpeaker: (speaker) => this.emit('activeSpeaker', roomId, speaker),
      onMainFeed: (source) => this.emit('mainFeed', roomId, source),
      onLinkTrackState: (linkId, producerId, state) => this.emit('linkTrackState', roomId, linkId, producerId, state),
      onLinkSendLayers: (linkId, producerId, maxSpatialLayer) => this.emit('linkSendLayers', roomId, linkId, producerId, maxSpatialLayer),
      log: this.log.child({ roomId }),
      activeSpeakerObserver,
      ...(this.roomOptions.rule ? { rule: this.roomOptions.rule } : {}),
      ...(this.roomOptions.layerLingerMs !== undefined ? { layerLingerMs: this.roomOptions.layerLingerMs } : {}),
      ...(this.roomOptions.peerLimits ? { peerLimits: this.roomOptions.peerLimits } : {}),
      ...(this.roomOptions.recorderListenIp ? { recorderListenIp: this.roomOptions.recorderListenIp } : {}),
      ...(this.roomOptions.linkListenIp ? { linkListenIp: this.roomOptions.linkListenIp } : {}),
    });
    this.rooms.set(roomId, room);
    this.log.info({ roomId }, 'room opened');
    return room;
  }

  /**
   * A room with a router on the dead worker is lost as a whole, even if it spans other workers:
   * its routers there are closed, and its browsers rejoin (simpler than rebuilding part of a room).
   */
  private forgetRoomsOf(loss: WorkerLoss): void {
    const reason = `media worker ${loss.pid} died`;
    for (const roomId of loss.roomIds) {
      const room = this.rooms.get(roomId);
      if (!room) continue;
      this.rooms.delete(roomId);
      // Its router on the dead worker is gone with the process; those on other workers are closed here.
      room.close();
      this.log.warn({ roomId, workerPid: loss.pid }, 'room lost');
      this.emit('roomLost', roomId, reason);
    }
  }
}
