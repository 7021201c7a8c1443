import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { PipeTransport } from 'mediasoup/node/lib/PipeTransport.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { highestWantedLayer, SendLayers } from '../src/media/send-layers.js';

describe('highestWantedLayer', () => {
  const running = (preferredSpatialLayer: number | undefined) => ({ paused: false, standby: false, preferredSpatialLayer });

  it('is the highest layer a running receiver prefers, clamped to the camera', () => {
    expect(highestWantedLayer(3, [running(0), running(1), running(0)])).toBe(1);
    expect(highestWantedLayer(3, [running(0), running(9)])).toBe(2);
  });

  it('keeps the lowest layer when nobody receives, and counts a receiver without a preference as wanting the top', () => {
    expect(highestWantedLayer(3, [])).toBe(0);
    expect(highestWantedLayer(3, [running(undefined)])).toBe(2);
  });

  it('ignores paused receivers unless they stand by to take over', () => {
    expect(highestWantedLayer(3, [running(0), { paused: true, standby: false, preferredSpatialLayer: 2 }])).toBe(0);
    expect(highestWantedLayer(3, [running(0), { paused: true, standby: true, preferredSpatialLayer: 2 }])).toBe(2);
  });
});

/** Just what SendLayers reads of mediasoup's objects, with their observers. */
class FakeProducer {
  readonly observer = new EventEmitter();
  readonly kind = 'video';
  readonly type = 'simulcast';
  closed = false;
  constructor(
    readonly id: string,
    layers: number,
  ) {
    this.rtpParameters = { encodings: Array.from({ length: layers }, (_, index) => ({ ssrc: 100 + index })) };
  }
  readonly rtpParameters: { encodings: { ssrc: number }[] };
}

class FakeConsumer {
  readonly observer = new EventEmitter();
  constructor(
    readonly producerId: string,
    public preferredLayers: { spatialLayer: number } | undefined,
    public paused = false,
    readonly appData: Record<string, unknown> = {},
  ) {}
  pause(): void {
    this.paused = true;
    this.observer.emit('pause');
  }
  close(): void {
    this.observer.emit('close');
  }
}

const LINGER_MS = 1_000;

describe('SendLayers', () => {
  let transport: { observer: EventEmitter };
  let told: [string, number][];
  let toldProducers: unknown[];
  let homeRouter: { observer: EventEmitter };
  let sendLayers: SendLayers;

  beforeEach(() => {
    vi.useFakeTimers();
    const router = { observer: new EventEmitter() };
    homeRouter = router;
    told = [];
    toldProducers = [];
    const tell = (producer: types.Producer, layer: number) => {
      told.push([producer.id, layer]);
      toldProducers.push(producer);
    };
    sendLayers = new SendLayers(router as unknown as types.Router, { tell, lowerAfterMs: LINGER_MS });
    transport = { observer: new EventEmitter() };
    router.observer.emit('newtransport', transport);
  });
  afterEach(() => {
    sendLayers.close();
    vi.useRealTimers();
  });

  const publish = (id: string, layers = 3) => {
    const producer = new FakeProducer(id, layers);
    transport.observer.emit('newproducer', producer);
    return producer;
  };
  const consume = (consumer: FakeConsumer) => {
    transport.observer.emit('newconsumer', consumer);
    return consumer;
  };
  /** Lets the batched evaluation run, then `ms` more pass. */
  const pass = async (ms = 0) => {
    await vi.advanceTimersByTimeAsync(ms);
  };

  it('tells a camera only thumbnails receive to send its lowest layer, once the linger is over', async () => {
    publish('cam');
    consume(new FakeConsumer('cam', { spatialLayer: 0 }));
    await pass(LINGER_MS - 10);
    expect(told).toEqual([]);
    await pass(20);
    expect(told).toEqual([['cam', 0]]);
  });

  it('asks for the top layer at once when the main screen starts taking it, and lets it go only after the linger', async () => {
    publish('cam');
    consume(new FakeConsumer('cam', { spatialLayer: 0 }));
    await pass(LINGER_MS + 10);
    const mainScreen = consume(new FakeConsumer('cam', { spatialLayer: 2 }));
    await pass();
    expect(told).toEqual([['cam', 0], ['cam', 2]]);

    mainScreen.close();
    await pass(LINGER_MS / 2);
    expect(told).toHaveLength(2);
    await pass(LINGER_MS);
    expect(told).toEqual([['cam', 0], ['cam', 2], ['cam', 0]]);
  });

  it('keeps the top layer when the main screen comes back before the linger is over', async () => {
    publish('cam');
    const first = consume(new FakeConsumer('cam', { spatialLayer: 2 }));
    await pass();
    first.pause();
    await pass(LINGER_MS / 2);
    consume(new FakeConsumer('cam', { spatialLayer: 2 }));
    await pass(LINGER_MS * 2);
    expect(told).toEqual([]);
  });

  it('keeps the top layer of a next speaker whose main-screen consumer stands by paused', async () => {
    publish('cam');
    consume(new FakeConsumer('cam', { spatialLayer: 2 }, true, { standby: true }));
    await pass(LINGER_MS * 2);
    expect(told).toEqual([]);
  });

  it('follows a preferred layer changed on an existing consumer when refreshed', async () => {
    publish('cam');
    const receiver = consume(new FakeConsumer('cam', { spatialLayer: 0 }));
    await pass(LINGER_MS + 10);
    receiver.preferredLayers = { spatialLayer: 1 };
    sendLayers.refresh();
    await pass();
    expect(told).toEqual([['cam', 0], ['cam', 1]]);
  });

  it('leaves single-layer cameras alone and forgets a closed camera', async () => {
    publish('single', 1);
    const closing = publish('cam');
    consume(new FakeConsumer('single', { spatialLayer: 0 }));
    closing.observer.emit('close');
    await pass(LINGER_MS * 2);
    expect(told).toEqual([]);
  });

  /** A pipe transport as pipeToRouter makes it (only its class and observer matter here). */
  const pipeTransport = (appData: Record<string, unknown> = {}) =>
    Object.defineProperties(Object.create(PipeTransport.prototype) as object, { observer: { value: new EventEmitter() }, appData: { value: appData } }) as { observer: EventEmitter };

  it('sees through a pipe to another router: the pipe consumer does not count, the far receivers do', async () => {
    const camera = publish('cam');
    const farRouter = { observer: new EventEmitter() };
    sendLayers.watch(farRouter as unknown as types.Router);
    // What pipeToRouter makes: a pipe consumer (every layer) here, a copy of the camera (same id) there.
    const [nearPipe, farPipe, farTransport] = [pipeTransport(), pipeTransport(), { observer: new EventEmitter() }];
    homeRouter.observer.emit('newtransport', nearPipe);
    farRouter.observer.emit('newtransport', farPipe);
    farRouter.observer.emit('newtransport', farTransport);
    nearPipe.observer.emit('newconsumer', new FakeConsumer('cam', undefined));
    const copy = new FakeProducer('cam', 3);
    farPipe.observer.emit('newproducer', copy);
    farTransport.observer.emit('newconsumer', new FakeConsumer('cam', { spatialLayer: 0 }));
    await pass(LINGER_MS + 10);
    expect(told).toEqual([['cam', 0]]);
    expect(toldProducers[0]).toBe(camera);

    // The copy closing (its pipe went away) does not make the camera forgotten.
    copy.observer.emit('close');
    farTransport.observer.emit('newconsumer', new FakeConsumer('cam', { spatialLayer: 2 }));
    await pass();
    expect(told).toEqual([['cam', 0], ['cam', 2]]);
  });

  /** A link's pipe transport to another SFU node (node-link.ts): a pipe transport with a link id. */
  const linkTransport = () => pipeTransport({ link: 'a-b' });

  it('counts a link to another node as a receiver of the layer that node wants, the top one until it says', async () => {
    publish('cam');
    consume(new FakeConsumer('cam', { spatialLayer: 0 }));
    await pass(LINGER_MS + 10);
    expect(told).toEqual([['cam', 0]]);

    const link = linkTransport();
    homeRouter.observer.emit('newtransport', link);
    const linkConsumer = new FakeConsumer('cam', undefined);
    link.observer.emit('newconsumer', linkConsumer);
    await pass();
    expect(told).toEqual([['cam', 0], ['cam', 2]]);

    // The far node says its receivers want the middle layer (link:sendLayers).
    linkConsumer.appData['wantedSpatialLayer'] = 1;
    sendLayers.refresh();
    await pass(LINGER_MS + 10);
    expect(told).toEqual([['cam', 0], ['cam', 2], ['cam', 1]]);

    linkConsumer.close();
    await pass(LINGER_MS + 10);
    expect(told).toEqual([['cam', 0], ['cam', 2], ['cam', 1], ['cam', 0]]);
  });

  it('tells a camera of another node, received over a link, what its receivers here want, like a local one', async () => {
    const link = linkTransport();
    homeRouter.observer.emit('newtransport', link);
    const farCamera = new FakeProducer('far-cam', 3);
    link.observer.emit('newproducer', farCamera);
    consume(new FakeConsumer('far-cam', { spatialLayer: 0 }));
    await pass(LINGER_MS + 10);
    expect(told).toEqual([['far-cam', 0]]);
    expect(toldProducers[0]).toBe(farCamera);
  });
});
