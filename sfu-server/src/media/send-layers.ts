import type { types } from 'mediasoup';
import { isNodeLink, isPipeTransport } from './pipe-transports.js';

/*
 * A camera publishes three simulcast layers, but in a meeting of 120 endpoints nearly everyone is
 * a thumbnail: only the main screen (and a recording) takes a camera's top layer. Encoding and
 * uploading layers nobody receives costs a weak commune PC its CPU and its uplink, so each camera
 * is told which layers anyone receives, and its browser switches the others off
 * (`RTCRtpEncodingParameters.active`). A layer someone starts to receive is asked for at once; one
 * that nobody receives any more keeps coming for a while, so a main screen switching back and forth
 * does not restart the encoder each time.
 */

/**
 * Set on a consumer the SFU keeps paused only to resume it at once (the main-screen feed's next
 * speakers): the layers it would receive must keep coming, so that a grant finds them running.
 */
export type StandbyConsumerData = {
  standby?: boolean;
};

/**
 * Set on a link's consumer (node-link.ts), which takes a camera's streams verbatim to another SFU
 * node: the highest layer that node's receivers want, as it said (`link:sendLayers`); until it
 * says, every layer.
 */
export type LinkConsumerData = {
  wantedSpatialLayer?: number;
};

/** What is known of one consumer of a camera. */
export interface LayerReceiver {
  paused: boolean;
  standby: boolean;
  /** The spatial layer it prefers (mediasoup clamps it to the camera's); undefined: the top one. */
  preferredSpatialLayer: number | undefined;
}

/** The highest layer a camera of `layerCount` layers must send for these receivers; the lowest always. */
export function highestWantedLayer(layerCount: number, receivers: Iterable<LayerReceiver>): number {
  const top = layerCount - 1;
  let highest = 0;
  for (const receiver of receivers) {
    if (receiver.paused && !receiver.standby) continue;
    highest = Math.max(highest, Math.min(receiver.preferredSpatialLayer ?? top, top));
  }
  return highest;
}

/** Long enough for a main screen going back to the previous speaker to find their top layer still coming. */
export const DEFAULT_LAYER_LINGER_MS = 5_000;

export interface SendLayersOptions {
  /** Tell the camera's browser to send its layers 0 to `maxSpatialLayer` only. */
  tell: (producer: types.Producer, maxSpatialLayer: number) => void;
  /** How long a layer nobody receives any more keeps coming before its camera is told to stop it. */
  lowerAfterMs: number;
}

interface Camera {
  producer: types.Producer;
  /** Its simulcast encodings, fixed when it is created. */
  layerCount: number;
  consumers: Set<types.Consumer>;
  /** What its browser sends now, as far as we know: it starts with every layer on. */
  told: number;
  lowering: NodeJS.Timeout | null;
}

/** The parts of a mediasoup router this watches (its observer events). */
type ObservedRouter = Pick<types.Router, 'observer'>;

/**
 * Watches a room's simulcast cameras and their consumers, on every router of the room, and tells
 * each camera what to send. A camera piped to another router is known by its id there too: its
 * consumers on that router count, and the pipe (which takes every layer) does not. A link to
 * another node does count, as a receiver of the layer that node said its receivers want (the top
 * one until it says); and a camera of another node, received over a link, is watched like a local
 * one, its wish told back to its node.
 */
export class SendLayers {
  private readonly cameras = new Map<string, Camera>();
  private evaluationQueued = false;
  private closed = false;

  constructor(
    router: ObservedRouter,
    private readonly options: SendLayersOptions,
  ) {
    this.watch(router);
  }

  /** Another router of the room (before any transport exists on it). */
  watch(router: ObservedRouter): void {
    router.observer.on('newtransport', (transport: types.Transport) => {
      // A link to another node: its consumers stand for receivers this node cannot see (they want
      // what the far node said), and its producers are cameras of the far node, whose receivers
      // here are counted like a local camera's (`tell` then goes back over the link).
      if (isNodeLink(transport)) {
        transport.observer.on('newproducer', (producer: types.Producer) => this.addCamera(producer));
        transport.observer.on('newconsumer', (consumer: types.Consumer) => this.addConsumer(consumer));
        return;
      }
      // Its producers are copies of cameras already known; its consumers feed the far router.
      if (isPipeTransport(transport)) return;
      transport.observer.on('newproducer', (producer: types.Producer) => this.addCamera(producer));
      transport.observer.on('newconsumer', (consumer: types.Consumer) => this.addConsumer(consumer));
    });
  }

  /** Consumers' preferred layers changed (mediasoup has no event for that). */
  refresh(): void {
    this.scheduleEvaluation();
  }

  close(): void {
    this.closed = true;
    for (const camera of this.cameras.values()) this.stopLowering(camera);
    this.cameras.clear();
  }

  private addCamera(producer: types.Producer): void {
    if (producer.kind !== 'video' || producer.type !== 'simulcast') return;
    const layerCount = producer.rtpParameters.encodings?.length ?? 1;
    const camera: Camera = { producer, layerCount, consumers: new Set(), told: layerCount - 1, lowering: null };
    this.cameras.set(producer.id, camera);
    // mediasoup's observers say 'close' once, whether closed directly or with their transport.
    producer.observer.once('close', () => {
      this.stopLowering(camera);
      this.cameras.delete(producer.id);
    });
    this.scheduleEvaluation();
  }

  private addConsumer(consumer: types.Consumer): void {
    const camera = this.cameras.get(consumer.producerId);
    if (!camera) return;
    camera.consumers.add(consumer);
    consumer.observer.once('close', () => {
      camera.consumers.delete(consumer);
      this.scheduleEvaluation();
    });
    consumer.observer.on('pause', () => this.scheduleEvaluation());
    consumer.observer.on('resume', () => this.scheduleEvaluation());
    this.scheduleEvaluation();
  }

  /** Changes come in bursts (a plan of hundreds of consumers): one evaluation after each burst. */
  private scheduleEvaluation(): void {
    if (this.evaluationQueued || this.closed) return;
    this.evaluationQueued = true;
    setImmediate(() => {
      this.evaluationQueued = false;
      if (!this.closed) for (const camera of this.cameras.values()) this.evaluate(camera);
    });
  }

  private evaluate(camera: Camera): void {
    const wanted = this.wantedLayer(camera);
    if (wanted >= camera.told) {
      this.stopLowering(camera);
      if (wanted > camera.told) this.tell(camera, wanted);
      return;
    }
    camera.lowering ??= setTimeout(() => {
      camera.lowering = null;
      const stillWanted = this.wantedLayer(camera);
      if (stillWanted < camera.told && !this.closed && !camera.producer.closed) this.tell(camera, stillWanted);
    }, this.options.lowerAfterMs);
  }

  private wantedLayer(camera: Camera): number {
    const receivers = [...camera.consumers].map((consumer) => ({
      paused: consumer.paused,
      standby: (consumer.appData as StandbyConsumerData).standby === true,
      // A link's consumer has no preferred layers (it takes every stream): the far node's wish stands in.
      preferredSpatialLayer: consumer.preferredLayers?.spatialLayer ?? (consumer.appData as LinkConsumerData).wantedSpatialLayer,
    }));
    return highestWantedLayer(camera.layerCount, receivers);
  }

  private tell(camera: Camera, maxSpatialLayer: number): void {
    camera.told = maxSpatialLayer;
    this.options.tell(camera.producer, maxSpatialLayer);
  }

  private stopLowering(camera: Camera): void {
    if (camera.lowering) clearTimeout(camera.lowering);
    camera.lowering = null;
  }
}

