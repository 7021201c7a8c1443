import type { types } from 'mediasoup';
import { isNodeLink, isPipeTransport } from './pipe-transports.js';

/*
 * A browser's encoder ignores a key frame request that comes within 300 ms of the last one it
 * answered (libwebrtc's minimum key frame send interval; the answer is a key frame on every
 * simulcast layer), and mediasoup asks again only after 1 s. So two receivers that start on the
 * same camera 50-300 ms apart (a joiner's main screen and its thumbnails, a grant and a page of
 * thumbnails) leave the second one black for a second. Measured with bench/join-latency.ts: the
 * thumbnail's key frame request, 130 ms after the main screen's, got its key frame 1,000 ms later.
 *
 * This gate watches each camera's key frame requests and key frames (mediasoup trace events, a
 * few a second per camera) and says how long an action that will ask the camera for a key frame
 * should wait so that the camera hears it: until 300 ms after the last request it answered. A
 * request still unanswered needs no wait: its key frame, on every layer, serves the new receiver too.
 */

/** libwebrtc's kMinKeyframeSendInterval, plus a margin for the way back. */
export const BROWSER_KEY_FRAME_INTERVAL_MS = 300;
const MARGIN_MS = 20;

interface CameraKeyFrames {
  /** When we last asked it for a key frame (PLI/FIR out), performance.now(). */
  lastRequestAt: number;
  /** A key frame came in after that request. */
  answered: boolean;
}

/** The parts of a mediasoup router this watches (its observer events). */
type ObservedRouter = Pick<types.Router, 'observer'>;

export class KeyFrameGate {
  private readonly cameras = new Map<string, CameraKeyFrames>();

  constructor(router: ObservedRouter) {
    this.watchRouter(router);
  }

  /**
   * Another router of the room. Its pipe transports are skipped: a camera's key frame requests
   * from a far router reach the original producer through the pipe, which is where they are seen.
   * Links to other SFU nodes are not: the camera behind a track received over a link lives on
   * another node, and the requests this node sends it and the key frames it gets back (traced on
   * the link's producer, a one-way delay later) are all this node can go by.
   */
  watchRouter(router: ObservedRouter): void {
    router.observer.on('newtransport', (transport: types.Transport) => {
      if (isPipeTransport(transport) && !isNodeLink(transport)) return;
      transport.observer.on('newproducer', (producer: types.Producer) => this.watch(producer));
    });
  }

  /** Milliseconds to wait before asking `producerId`'s camera for a key frame (0: ask now). */
  waitBeforeRequest(producerId: string, now = performance.now()): number {
    const camera = this.cameras.get(producerId);
    if (!camera?.answered) return 0;
    return Math.max(0, camera.lastRequestAt + BROWSER_KEY_FRAME_INTERVAL_MS + MARGIN_MS - now);
  }

  /** The camera was asked for a key frame (what mediasoup's 'pli'/'fir' trace reports). */
  requested(producerId: string, now = performance.now()): void {
    const camera = this.cameras.get(producerId);
    // The browser ignores a request within its interval: that does not restart the interval.
    if (!camera || now - camera.lastRequestAt < BROWSER_KEY_FRAME_INTERVAL_MS) return;
    camera.lastRequestAt = now;
    camera.answered = false;
  }

  /** A key frame came in from the camera (any layer: the browser answers on all of them). */
  keyFrameArrived(producerId: string): void {
    const camera = this.cameras.get(producerId);
    if (camera) camera.answered = true;
  }

  private watch(producer: types.Producer): void {
    // The main-screen feed's own producers are fed by the SFU, not by an encoder.
    if (producer.kind !== 'video' || producer.appData['feed'] === 'main') return;
    this.cameras.set(producer.id, { lastRequestAt: Number.NEGATIVE_INFINITY, answered: false });
    producer.observer.once('close', () => this.cameras.delete(producer.id));
    // The same set media-trace.ts enables (a producer has one set of trace types).
    void producer.enableTraceEvent(['keyframe', 'pli', 'fir']).catch(() => undefined);
    producer.on('trace', (trace) => {
      if (trace.type === 'keyframe') this.keyFrameArrived(producer.id);
      else if (trace.type === 'pli' || trace.type === 'fir') this.requested(producer.id);
    });
  }
}
