import { Worker } from 'node:worker_threads';
import type { CapturedClip, KeyFrameRequestCounts } from './rtp-replayer.js';

export type ReplayerCommand =
  | { type: 'add'; id: number; videoPort: number; videoSsrcs: number[]; audioPort: number; audioSsrc: number }
  | { type: 'mute'; audioSsrc: number; muted: boolean }
  | { type: 'sendLayers'; cameraSsrc: number; maxSpatialLayer: number }
  | { type: 'remove'; id: number }
  | { type: 'close' };

export type ReplayerEvent = { type: 'keyFrameRequest'; layerSsrc: number; atEpochMs: number; counts: KeyFrameRequestCounts };

/** How many key frame requests per camera layer are kept for `keyFrameRequestedAfter`. */
const REQUESTS_KEPT = 16;

/**
 * The synthetic senders, replayed in a worker thread: the bench's main thread serves 120
 * signaling sockets and the receivers, and a sender's answer to a key frame request must not wait
 * behind that, any more than a real camera's would.
 */
export class ThreadedReplayer {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly requestTimes = new Map<number, number[]>();
  keyFrameRequests: KeyFrameRequestCounts = { answered: 0, alreadyNext: 0 };
  /** Whether its cameras simulcast: the clip was captured with a low layer. */
  readonly simulcast: boolean;

  constructor(clip: CapturedClip) {
    this.simulcast = clip.lowVideo !== undefined;
    this.worker = new Worker(new URL('./replayer-thread.mjs', import.meta.url), { workerData: clip });
    this.worker.on('message', (event: ReplayerEvent) => this.onEvent(event));
    this.worker.on('error', (error) => console.error('[bench] the replayer thread failed:', error));
  }

  /** Starts replaying for one endpoint, its microphone muted; returns what stops it. `videoSsrcs`: one per simulcast layer, lowest first. */
  add(videoPort: number, videoSsrcs: number[], audioPort: number, audioSsrc: number): () => void {
    const id = this.nextId++;
    this.send({ type: 'add', id, videoPort, videoSsrcs, audioPort, audioSsrc });
    return () => this.send({ type: 'remove', id });
  }

  /** The SFU muted or unmuted an endpoint's microphone: its sender follows, as a browser does. */
  setMuted(audioSsrc: number, muted: boolean): void {
    this.send({ type: 'mute', audioSsrc, muted });
  }

  /** The SFU said which of a camera's layers (0..maxSpatialLayer) anyone receives: it sends those only, as a browser does. */
  setMaxSpatialLayer(cameraSsrc: number, maxSpatialLayer: number): void {
    this.send({ type: 'sendLayers', cameraSsrc, maxSpatialLayer });
  }

  /**
   * When (performance.now() of this thread) the camera layer sending with `layerSsrc` first heard
   * a key frame request after `after`.
   */
  keyFrameRequestedAfter(layerSsrc: number, after: number): number | undefined {
    return this.requestTimes
      .get(layerSsrc)
      ?.map((atEpochMs) => atEpochMs - performance.timeOrigin)
      .find((at) => at > after);
  }

  async close(): Promise<void> {
    this.send({ type: 'close' });
    await this.worker.terminate();
  }

  private send(command: ReplayerCommand): void {
    this.worker.postMessage(command);
  }

  private onEvent(event: ReplayerEvent): void {
    this.keyFrameRequests = event.counts;
    const times = this.requestTimes.get(event.layerSsrc) ?? [];
    times.push(event.atEpochMs);
    if (times.length > REQUESTS_KEPT) times.shift();
    this.requestTimes.set(event.layerSsrc, times);
  }
}
