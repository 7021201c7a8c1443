import type { types } from 'mediasoup';
import type { KeyFrameGate } from './key-frame-gate.js';
import type { Delivery } from './subscription-policy.js';

/** Per consumer: what the policy wants, and whether the browser is ready (it sent consumer:resume). */
export type ConsumerData = {
  /** The peer whose track this is. */
  publisherId: string;
  delivery: Delivery;
  clientReady: boolean;
  /** The priority last set on the worker (mediasoup starts at 1), so it is not set again for nothing. */
  priority?: number;
  /** The spatial layer last asked of the worker, likewise. */
  spatialLayer?: number;
  /** A consumer of the room's main-screen feed (its picture or its voice), not of a participant's track. */
  feed?: true;
};

/** mediasoup's priority of a new consumer. */
export const DEFAULT_PRIORITY = 1;

/** Simulcast layer indexes: mediasoup clamps a too-high index to the top layer the sender has. */
const LOW_LAYER = 0;
const TOP_LAYER = 9;
/** The main screen wins when the receiver's bandwidth is short. */
const PRIORITY: Record<Delivery, number> = { high: 10, low: 1, paused: 1, audio: 20 };

/** The layers a consumer starts with. */
export function initialLayers(delivery: Delivery): types.ConsumerLayers | undefined {
  if (delivery === 'high') return { spatialLayer: TOP_LAYER };
  if (delivery === 'low' || delivery === 'paused') return { spatialLayer: LOW_LAYER };
  return undefined;
}

/** What else decides whether a consumer may run now. */
export interface DeliveryGates {
  /** The main-screen feed carries the receiver's own picture or voice: asked again at every application. */
  held?: () => boolean;
  /** When a camera would hear a key frame request (resuming a video consumer makes one). */
  keyFrames?: KeyFrameGate;
}

/**
 * Makes the consumer run as its delivery says. Media only flows once the browser is ready, and
 * never while the policy keeps it paused (a browser asking to resume cannot override that), nor
 * while held (the main-screen feed carries the receiver's own picture or voice).
 */
export async function applyDelivery(consumer: types.Consumer, gates: DeliveryGates = {}): Promise<void> {
  const data = consumer.appData as ConsumerData;
  if (consumer.closed) return;
  if (data.delivery === 'paused' || !data.clientReady || gates.held?.()) {
    if (!consumer.paused) await consumer.pause();
    return;
  }
  // Each request waits in the worker's queue behind everyone else's: send only what changes, and
  // send them together (the worker keeps their order), so a change costs one round trip, not three.
  const requests: Promise<void>[] = [];
  const layers = initialLayers(data.delivery);
  if ((consumer.type === 'simulcast' || consumer.type === 'svc') && layers && data.spatialLayer !== layers.spatialLayer) {
    data.spatialLayer = layers.spatialLayer;
    requests.push(consumer.setPreferredLayers(layers));
  }
  if (consumer.paused) {
    // Resuming a video consumer asks its camera for a key frame: not while the camera would ignore it.
    // Applied again after the wait, as things are then (the hold may have begun meanwhile).
    const wait = consumer.kind === 'video' ? (gates.keyFrames?.waitBeforeRequest(consumer.producerId) ?? 0) : 0;
    if (wait > 0) setTimeout(() => void applyDelivery(consumer, gates).catch(() => undefined), wait).unref();
    else requests.push(consumer.resume());
  }
  if (data.priority !== PRIORITY[data.delivery]) {
    data.priority = PRIORITY[data.delivery];
    requests.push(consumer.setPriority(data.priority));
  }
  await Promise.all(requests);
}
