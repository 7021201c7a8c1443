import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { PipeTransport } from 'mediasoup/node/lib/PipeTransport.js';
import { describe, expect, it } from 'vitest';
import { BROWSER_KEY_FRAME_INTERVAL_MS, KeyFrameGate } from '../src/media/key-frame-gate.js';

/** Just what the gate reads of a mediasoup producer: its kind, appData, trace events and observer. */
class FakeProducer extends EventEmitter {
  readonly observer = new EventEmitter();
  traced: string[] = [];
  constructor(
    readonly id: string,
    readonly kind: 'audio' | 'video' = 'video',
    readonly appData: Record<string, unknown> = {},
  ) {
    super();
  }
  async enableTraceEvent(types: string[]): Promise<void> {
    this.traced = types;
  }
  trace(type: 'pli' | 'fir' | 'keyframe'): void {
    this.emit('trace', { type, direction: type === 'keyframe' ? 'in' : 'out', timestamp: 0, info: {} });
  }
}

function gateWithCamera(producer: FakeProducer): KeyFrameGate {
  const router = { observer: new EventEmitter() };
  const transport = { observer: new EventEmitter() };
  const gate = new KeyFrameGate(router as unknown as Pick<types.Router, 'observer'>);
  router.observer.emit('newtransport', transport);
  transport.observer.emit('newproducer', producer);
  return gate;
}

describe('KeyFrameGate', () => {
  it('lets a request go at once while the camera was never asked, or its last request is unanswered', () => {
    const camera = new FakeProducer('cam');
    const gate = gateWithCamera(camera);
    expect(camera.traced).toEqual(['keyframe', 'pli', 'fir']);
    expect(gate.waitBeforeRequest('cam')).toBe(0);
    gate.requested('cam', 1_000);
    // Its key frame, on every layer, will serve a new receiver too.
    expect(gate.waitBeforeRequest('cam', 1_100)).toBe(0);
  });

  it('holds a request until the browser would hear it again: 300 ms (and a margin) after the request it answered', () => {
    const gate = gateWithCamera(new FakeProducer('cam'));
    gate.requested('cam', 1_000);
    gate.keyFrameArrived('cam');
    const wait = gate.waitBeforeRequest('cam', 1_130);
    expect(wait).toBeGreaterThanOrEqual(1_000 + BROWSER_KEY_FRAME_INTERVAL_MS - 1_130);
    expect(wait).toBeLessThan(1_000 + BROWSER_KEY_FRAME_INTERVAL_MS + 50 - 1_130);
    expect(gate.waitBeforeRequest('cam', 1_400)).toBe(0);
  });

  it('does not restart the interval for a request the browser ignored', () => {
    const gate = gateWithCamera(new FakeProducer('cam'));
    gate.requested('cam', 1_000);
    gate.keyFrameArrived('cam');
    gate.requested('cam', 1_200); // inside the interval: the browser drops it
    expect(gate.waitBeforeRequest('cam', 1_250)).toBeLessThan(1_000 + BROWSER_KEY_FRAME_INTERVAL_MS + 50 - 1_250);
  });

  it('learns requests and key frames from the producer trace events, and forgets a closed camera', () => {
    const camera = new FakeProducer('cam');
    const gate = gateWithCamera(camera);
    camera.trace('pli');
    camera.trace('keyframe');
    expect(gate.waitBeforeRequest('cam')).toBeGreaterThan(0);
    camera.observer.emit('close');
    expect(gate.waitBeforeRequest('cam')).toBe(0);
  });

  it('ignores microphones and the main-screen feed (no encoder behind it)', () => {
    for (const producer of [new FakeProducer('mic', 'audio'), new FakeProducer('feed', 'video', { feed: 'main' })]) {
      const gate = gateWithCamera(producer);
      producer.trace('fir');
      producer.trace('keyframe');
      expect(gate.waitBeforeRequest(producer.id)).toBe(0);
      expect(producer.traced).toEqual([]);
    }
  });

  /** A pipe transport as pipeToRouter makes it, or with a link id, as node-link.ts does (only its class, observer and appData matter here). */
  const pipeTransport = (appData: Record<string, unknown> = {}) =>
    Object.defineProperties(Object.create(PipeTransport.prototype) as object, { observer: { value: new EventEmitter() }, appData: { value: appData } }) as { observer: EventEmitter };

  it('watches a camera of another node received over a link: only its requests and key frames here are known', () => {
    const gate = new KeyFrameGate({ observer: new EventEmitter() } as unknown as Pick<types.Router, 'observer'>);
    const router = { observer: new EventEmitter() };
    gate.watchRouter(router as unknown as Pick<types.Router, 'observer'>);
    const link = pipeTransport({ link: 'a-b' });
    router.observer.emit('newtransport', link);
    const farCamera = new FakeProducer('far-cam');
    link.observer.emit('newproducer', farCamera);
    expect(farCamera.traced).toEqual(['keyframe', 'pli', 'fir']);
    farCamera.trace('pli');
    farCamera.trace('keyframe');
    expect(gate.waitBeforeRequest('far-cam')).toBeGreaterThan(0);
  });

  it('watches cameras on every router of the room, not the copies pipes make of them', () => {
    const camera = new FakeProducer('cam');
    const gate = gateWithCamera(camera);
    const farRouter = { observer: new EventEmitter() };
    gate.watchRouter(farRouter as unknown as Pick<types.Router, 'observer'>);
    const pipe = pipeTransport();
    const farTransport = { observer: new EventEmitter() };
    farRouter.observer.emit('newtransport', pipe);
    farRouter.observer.emit('newtransport', farTransport);
    // The copy on the far router (same id) is not traced; the original answers for it.
    const copy = new FakeProducer('cam');
    pipe.observer.emit('newproducer', copy);
    expect(copy.traced).toEqual([]);
    camera.trace('pli');
    camera.trace('keyframe');
    copy.observer.emit('close');
    expect(gate.waitBeforeRequest('cam')).toBeGreaterThan(0);
    // A camera published on the far router is watched too.
    const farCamera = new FakeProducer('far-cam');
    farTransport.observer.emit('newproducer', farCamera);
    expect(farCamera.traced).toEqual(['keyframe', 'pli', 'fir']);
  });
});
