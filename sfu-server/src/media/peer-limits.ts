import type { MediaObjectKind } from './ownership.js';

/**
 * How many objects of each kind one peer may hold (the ones being created count too). A browser
 * needs 2 transports (send, receive; a rebuild is a new peer), 2 producers (microphone, camera)
 * and, under the conference rule, at most about 48 consumers: the main-screen feed's picture and
 * voice, 24 thumbnails, 12 recently shown ones, 6 microphones, 2 upcoming speakers, a main camera.
 * Every transport takes a port of the SFU's range: without a cap one peer could take them all.
 */
export type PeerLimits = Record<MediaObjectKind, number>;

/** Room for reconnections and the all-to-all baseline (2 consumers per other peer: up to 50 peers). */
export const DEFAULT_PEER_LIMITS: PeerLimits = { transport: 4, producer: 4, consumer: 100 };
