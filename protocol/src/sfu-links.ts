import { z } from 'zod';
import { Id, MediaSource } from './domain.js';
import { MediaKind, RtpParameters } from './media.js';

/*
 * Links between SFU nodes carrying one meeting (spread into `sfuRequests` / `sfuEvents` in
 * sfu-api.ts). Each node's room has a PipeTransport on its home router for each link (SRTP on the
 * wire); signaling opens one on both nodes, connects each to the other's address, and then, when
 * someone on node B should receive a track published on node A, asks A to send it over the link
 * (`link:send`) and B to receive it (`link:receive`, with A's answer). A track crosses a link once,
 * however many receivers B has. A's pause, resume and close of the track are reported to signaling
 * (`link:trackState`) and forwarded to B as the request of the same name; the simulcast layers B's
 * receivers want of a camera go the other way (`link:sendLayers`, from B to A).
 */

const Port = z.number().int().min(1).max(65_535);
/** Strict like sfu-api.ts's scopes: an unknown key is refused with invalid_payload. */
const LinkScope = z.strictObject({ roomId: Id, linkId: Id });
const ProducerId = z.string().min(1).max(64);

/** Keying material of one side of a link (mediasoup's SrtpParameters). */
export const SrtpParameters = z.strictObject({
  cryptoSuite: z.enum(['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']),
  keyBase64: z.string().min(1).max(256),
});
export type SrtpParameters = z.infer<typeof SrtpParameters>;

/** Where a link's far end sends, and how it encrypts. */
const LinkEndpoint = z.strictObject({ ip: z.ipv4(), port: Port, srtpParameters: SrtpParameters });

/** What the far node needs to recreate a track: what `link:send` answers and `link:receive` takes. */
export const LinkTrack = z.strictObject({
  kind: MediaKind,
  rtpParameters: RtpParameters,
  paused: z.boolean(),
  source: MediaSource,
  /** The publishing peer and user, on the origin node. */
  peerId: Id,
  userId: Id,
});
export type LinkTrack = z.infer<typeof LinkTrack>;

export const LinkTrackState = z.enum(['paused', 'resumed', 'closed']);
export type LinkTrackState = z.infer<typeof LinkTrackState>;

const LinkTrackChange = LinkScope.extend({ producerId: ProducerId, state: LinkTrackState });
/** The highest simulcast layer of a camera the far node's receivers want (0: the lowest). */
const LinkLayers = LinkScope.extend({ producerId: ProducerId, maxSpatialLayer: z.number().int().min(0).max(15) });

/** One track on a link, as `room:links` lists it. */
const LinkTrackSummary = z.object({ producerId: z.string(), kind: MediaKind, paused: z.boolean() });

/** This node's end of one link: the tracks it sends over it and those it receives (`room:links`). */
export const LinkSummary = z.object({ linkId: Id, sent: z.array(LinkTrackSummary), received: z.array(LinkTrackSummary) });
export type LinkSummary = z.infer<typeof LinkSummary>;

export const sfuLinkRequests = {
  /** Read-only (monitoring, benchmarks): this node's ends of the room's links and the tracks each sends and receives. */
  'room:links': { request: z.strictObject({ roomId: Id }), response: z.object({ links: z.array(LinkSummary) }) },
  /** A PipeTransport (SRTP) for this link on the room's home router; idempotent per linkId. */
  'link:open': { request: LinkScope, response: LinkEndpoint },
  /** Where the other node's end of the link is (its `link:open` answer). A second connect is `conflict`. */
  'link:connect': { request: LinkScope.extend(LinkEndpoint.shape), response: z.object({}) },
  /** On the track's node: sends the producer over the link (once per link and producer). */
  'link:send': { request: LinkScope.extend({ producerId: ProducerId }), response: LinkTrack },
  /** On the far node: the track arrives over the link, a remote peer's published track for this room's peers. */
  'link:receive': { request: LinkScope.extend({ producerId: ProducerId, ...LinkTrack.shape }), response: z.object({}) },
  /** On the far node: the origin paused, resumed or closed a track it sends over the link (relayed `link:trackState`). */
  'link:trackState': { request: LinkTrackChange, response: z.object({}) },
  /** On the track's node: the highest layer of this camera the far node wants now (relayed `link:sendLayers`); until told, every layer. */
  'link:sendLayers': { request: LinkLayers, response: z.object({}) },
  /** Closes this node's end of the link: tracks it received are closed for its peers (idempotent). */
  'link:close': { request: LinkScope, response: z.object({}) },
} as const;

export const sfuLinkEvents = {
  /** A track this node sends over a link was paused, resumed or closed: relay it to the far node as `link:trackState`. */
  'link:trackState': z.object({ roomId: Id, linkId: Id, producerId: z.string(), state: LinkTrackState }),
  /** The receivers of this node want at most this layer of a camera it receives over a link: relay it to the camera's node as `link:sendLayers`. */
  'link:sendLayers': z.object({ roomId: Id, linkId: Id, producerId: z.string(), maxSpatialLayer: z.number().int().min(0) }),
} as const;
