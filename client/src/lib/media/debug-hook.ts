import { getSocket } from '../socket.js';
import type { InboundStat } from './inbound-stats.js';

/**
 * `window.ehopDebug`: what the end-to-end tests and the join-latency benchmark read from a page.
 * Times are `performance.now()` milliseconds of this page.
 */
export interface EhopDebug {
  /** Counters of every track this page receives, mapped to the peer that sends it. */
  inboundStats(): Promise<InboundStat[]>;
  /** When the user pressed Join (the start of the join flow). */
  joinedAt: number | null;
  /** When `meeting:join` was acknowledged. */
  joinAckAt: number | null;
  /** When the first remote video consumer was created after joining (media still to arrive). */
  firstRemoteVideoTrackAt: number | null;
  /** When the first frame of any remote video was presented after joining. */
  firstRemoteVideoFrameAt: number | null;
  /**
   * The join's steps towards the first picture, each the first time it happened after Join was
   * pressed (`performance.now()`): the join-latency bench lays them next to the SFU's own.
   */
  joinSteps: Partial<Record<JoinStep, number>>;
  /** The video consumers this join received: their ids match the SFU's trace. */
  joinVideoConsumers: { consumerId: string; feed: boolean }[];
  /** Our producer's id for a source (null if none): lets a test forge requests about it. */
  producerId(source: 'mic' | 'camera'): string | null;
  /** Sends a raw socket.io request, as a tampered client would; resolves to the acknowledgement. */
  emitRaw(event: string, payload: unknown): Promise<unknown>;
  /** Starts sending our own track again without asking the server (a tampered client). */
  resumeLocally(source: 'mic' | 'camera'): void;
  /** Our camera's simulcast layers, lowest first, as the browser encodes them now (empty: no camera). */
  cameraLayers(): Promise<CameraLayer[]>;
}

/** A step of the join towards the first remote picture (thumbnail or main-screen feed). */
export type JoinStep =
  | 'transports created'
  | 'media ready acknowledged'
  | 'recv transport connected'
  | 'thumbnails view sent'
  | `${'consumer announced' | 'consumer created' | 'consumer resume acknowledged'}: ${'thumbnail' | 'feed'}`
  | `first frame: ${'thumbnail' | 'main screen'}`;

/** One simulcast layer of our camera: whether the encoder is on for it, the frames it encoded so far, their height. */
export interface CameraLayer {
  rid: string;
  active: boolean;
  framesEncoded: number;
  frameHeight: number;
}

/** What the media layer lets the debug hook reach. */
export interface MediaProbe {
  producerId(source: 'mic' | 'camera'): string | null;
  resumeLocally(source: 'mic' | 'camera'): void;
  cameraLayers(): Promise<CameraLayer[]>;
}

declare global {
  interface Window {
    ehopDebug: EhopDebug;
  }
}

type StatsSource = () => Promise<InboundStat[]>;

let statsSource: StatsSource | null = null;
let mediaProbe: MediaProbe | null = null;

const debug: EhopDebug = {
  inboundStats: () => (statsSource ? statsSource() : Promise.resolve([])),
  joinedAt: null,
  joinAckAt: null,
  firstRemoteVideoTrackAt: null,
  firstRemoteVideoFrameAt: null,
  joinSteps: {},
  joinVideoConsumers: [],
  producerId: (source) => mediaProbe?.producerId(source) ?? null,
  // Untyped on purpose: a tampered client sends whatever it likes.
  emitRaw: (event, payload) =>
    (getSocket() as unknown as { timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> } })
      .timeout(5_000)
      .emitWithAck(event, payload),
  resumeLocally: (source) => mediaProbe?.resumeLocally(source),
  cameraLayers: () => mediaProbe?.cameraLayers() ?? Promise.resolve([]),
};

export function installDebugHook(): void {
  window.ehopDebug = debug;
}

export function setMediaProbe(probe: MediaProbe | null): void {
  mediaProbe = probe;
}

/** The meeting whose receive transport `inboundStats()` reads (null when none). */
export function setStatsSource(source: StatsSource | null): void {
  statsSource = source;
}

export function markJoinStarted(): void {
  debug.joinedAt = performance.now();
  debug.joinAckAt = null;
  debug.firstRemoteVideoTrackAt = null;
  debug.firstRemoteVideoFrameAt = null;
  debug.joinSteps = {};
  debug.joinVideoConsumers = [];
}

/** Only the first time after a join counts. */
export function markJoinStep(step: JoinStep): void {
  if (debug.joinedAt !== null && debug.joinSteps[step] === undefined) debug.joinSteps[step] = performance.now();
}

export function markJoinVideoConsumer(consumerId: string, feed: boolean): void {
  if (debug.joinedAt !== null) debug.joinVideoConsumers.push({ consumerId, feed });
}

export function markJoinAcknowledged(): void {
  debug.joinAckAt = performance.now();
}

export function markRemoteVideoTrack(): void {
  if (debug.joinedAt !== null && debug.firstRemoteVideoTrackAt === null) debug.firstRemoteVideoTrackAt = performance.now();
}

/** Only the first frame after a join counts. */
export function markRemoteVideoFrame(presentedAt: number): void {
  if (debug.joinedAt !== null && debug.firstRemoteVideoFrameAt === null) debug.firstRemoteVideoFrameAt = presentedAt;
  if (debug.joinedAt !== null) debug.joinSteps['first frame: thumbnail'] ??= presentedAt;
}

/** The main screen presented the feed's first frame (a participant's picture, not our own). */
export function markMainScreenFrame(presentedAt: number): void {
  if (debug.joinedAt !== null) debug.joinSteps['first frame: main screen'] ??= presentedAt;
}
