import { z } from 'zod';
import type { Ack } from './result.js';
import { Id, MediaSource } from './domain.js';
import {
  ConsumerOptions,
  MainFeedSource,
  DtlsParameters,
  IceParameters,
  MediaKind,
  RtpCapabilities,
  RtpParameters,
  TransportDirection,
  TransportOptions,
} from './media.js';
import { producerNotifications, sfuConferenceEvents, sfuConferenceRequests } from './sfu-conference.js';
import { sfuRecorderRequests } from './sfu-recorder.js';
import { sfuLinkEvents, sfuLinkRequests } from './sfu-links.js';

/*
 * The internal API between signaling and the SFU: socket.io on the SFU's internal port, one
 * connection per signaling node, authenticated by a shared secret (`auth.token`). Signaling makes
 * requests (acknowledged with `Ack<response>`); the SFU pushes events about peers and rooms.
 * It works across machines: a signaling node only needs the SFU's URL and the secret.
 *
 * Peers belong to the signaling node that opened them (`auth.nodeId`): the node holds a lease on
 * them for as long as its connection lives (socket.io's ping proves it every few seconds). When a
 * node's last connection is gone and it has not come back within the SFU's grace period
 * (`SFU_NODE_GRACE_MS`), the SFU closes its peers (as soon as their browsers let go of them) and
 * tells the remaining nodes (`peers:closed`).
 */

/** The handshake's `auth`: the shared secret, and the node's id (a connection without one is a node of its own). */
export const SfuHandshake = z.object({ token: z.string(), nodeId: Id.optional() });
export type SfuHandshake = z.infer<typeof SfuHandshake>;

/** Why the SFU closed peers on its own. */
export const PeersClosedReason = z.enum(['signaling_node_lost']);

/** Strict, as every request built on them: an unknown key is refused with invalid_payload. */
const RoomScope = z.strictObject({ roomId: Id });

/** An SFU node's running workers, open meetings (rooms) and peers. */
export const SfuNodeLoad = z.object({ workers: z.number().int().min(0), rooms: z.number().int().min(0), peers: z.number().int().min(0) });
export type SfuNodeLoad = z.infer<typeof SfuNodeLoad>;
const PeerScope = RoomScope.extend({ peerId: Id });
const MediaObjectId = z.string().min(1).max(64);

export const sfuRequests = {
  /** Creates the meeting's media room if needed (idempotent). */
  'room:open': { request: RoomScope, response: z.object({ routerRtpCapabilities: RtpCapabilities }) },
  /** The router capabilities the room has or will have, without opening it (browsers load them before joining). */
  'room:capabilities': { request: RoomScope, response: z.object({ routerRtpCapabilities: RtpCapabilities }) },
  'room:close': { request: RoomScope, response: z.object({}) },
  /** Adds a peer to a room (idempotent). `userId` groups a user's devices for floor control. */
  'peer:open': { request: PeerScope.extend({ userId: Id.optional() }), response: z.object({}) },
  /** Removes a peer and everything it sent and received. */
  'peer:close': { request: PeerScope, response: z.object({}) },
  'peer:setRtpCapabilities': {
    request: PeerScope.extend({ rtpCapabilities: RtpCapabilities }),
    response: z.object({}),
  },
  'transport:create': {
    request: PeerScope.extend({ direction: TransportDirection }),
    response: TransportOptions.omit({ iceServers: true }),
  },
  'transport:connect': {
    request: PeerScope.extend({ transportId: MediaObjectId, dtlsParameters: DtlsParameters }),
    response: z.object({}),
  },
  'transport:restartIce': {
    request: PeerScope.extend({ transportId: MediaObjectId }),
    response: z.object({ iceParameters: IceParameters }),
  },
  'producer:create': {
    request: PeerScope.extend({
      transportId: MediaObjectId,
      kind: MediaKind,
      rtpParameters: RtpParameters,
      source: MediaSource,
      paused: z.boolean(),
    }),
    /** `paused` is what the SFU decided: a microphone without the floor is created paused. */
    response: z.object({ producerId: z.string(), paused: z.boolean().optional() }),
  },
  'producer:pause': { request: PeerScope.extend({ producerId: MediaObjectId }), response: z.object({}) },
  'producer:resume': { request: PeerScope.extend({ producerId: MediaObjectId }), response: z.object({}) },
  'producer:close': { request: PeerScope.extend({ producerId: MediaObjectId }), response: z.object({}) },
  'consumer:resume': { request: PeerScope.extend({ consumerId: MediaObjectId }), response: z.object({}) },
  /**
   * The peers the calling node owns now. A node that reconnected asks, and has only the browsers
   * whose peers are gone (its lease ran out, or the SFU restarted) rebuild their media.
   */
  'node:peers': { request: z.object({}), response: z.object({ peers: z.array(PeerScope) }) },
  /** What this SFU node carries now (the administrators' view of the media servers). */
  'node:load': { request: z.object({}), response: SfuNodeLoad },
  /** Counts for health checks, tests and benchmarks. */
  'room:stats': {
    request: RoomScope,
    response: z.object({
      peers: z.number(),
      transports: z.number(),
      producers: z.number(),
      consumers: z.number(),
    }),
  },
  ...sfuConferenceRequests,
  ...sfuRecorderRequests,
  ...sfuLinkRequests,
} as const;

export type SfuRequestName = keyof typeof sfuRequests;
export type SfuRequest<K extends SfuRequestName> = z.input<(typeof sfuRequests)[K]['request']>;
export type ParsedSfuRequest<K extends SfuRequestName> = z.output<(typeof sfuRequests)[K]['request']>;
export type SfuResponse<K extends SfuRequestName> = z.output<(typeof sfuRequests)[K]['response']>;

/** What the SFU tells a peer (relayed verbatim by signaling to that peer's browser). */
export const PeerNotification = z.discriminatedUnion('event', [
  z.object({ event: z.literal('media:newConsumer'), payload: ConsumerOptions }),
  z.object({ event: z.literal('media:consumerClosed'), payload: z.object({ consumerId: z.string() }) }),
  z.object({ event: z.literal('media:consumerPaused'), payload: z.object({ consumerId: z.string() }) }),
  z.object({ event: z.literal('media:consumerResumed'), payload: z.object({ consumerId: z.string() }) }),
  z.object({ event: z.literal('media:mainFeed'), payload: MainFeedSource }),
  ...producerNotifications,
]);
export type PeerNotification = z.infer<typeof PeerNotification>;

export const sfuEvents = {
  /** Deliver `notification` to one peer of a room. */
  'peer:notify': z.object({ roomId: Id, peerId: Id, notification: PeerNotification }),
  /** A room's media is gone (its worker died); its peers must rebuild their transports. */
  'room:lost': z.object({ roomId: Id, reason: z.string() }),
  /**
   * The SFU closed these peers itself: the signaling node that owned them lost its lease (and
   * their browsers let go of them: rejoined elsewhere, or gone). Sent to
   * every signaling node (to the next one that connects if none is connected): presence entries
   * of these peers are stale, and the meeting hears `peer:left`.
   */
  'peers:closed': z.object({
    nodeId: Id,
    reason: PeersClosedReason,
    peers: z.array(z.object({ roomId: Id, peerId: Id })),
  }),
  ...sfuConferenceEvents,
  ...sfuLinkEvents,
} as const;

export type SfuEventName = keyof typeof sfuEvents;
export type SfuEvent<K extends SfuEventName> = z.output<(typeof sfuEvents)[K]>;

export type SignalingToSfuEvents = {
  [K in SfuRequestName]: (payload: unknown, ack: (result: Ack<SfuResponse<K>>) => void) => void;
};
export type SfuToSignalingEvents = {
  [K in SfuEventName]: (payload: SfuEvent<K>) => void;
};
