import { z } from 'zod';

/*
 * Shapes of mediasoup's negotiation objects. They are produced and consumed by mediasoup itself,
 * so we check their outline and let mediasoup validate the rest. The top level is strict (an
 * unknown key is refused before it reaches the SFU); the entries inside (codecs, encodings,
 * header extensions, RTCP) stay open, because mediasoup and mediasoup-client add optional fields
 * there from version to version (scalabilityMode, dtx, rtcpFeedback...).
 */
const looseRecord = z.looseObject({});

export const MediaKind = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof MediaKind>;

export const RtpCapabilities = z.strictObject({
  codecs: z.array(looseRecord).max(100).optional(),
  headerExtensions: z.array(looseRecord).max(100).optional(),
});
export type RtpCapabilities = z.infer<typeof RtpCapabilities>;

export const RtpParameters = z.strictObject({
  mid: z.string().max(64).optional(),
  codecs: z.array(looseRecord).min(1).max(50),
  headerExtensions: z.array(looseRecord).max(50).optional(),
  encodings: z.array(looseRecord).max(10).optional(),
  rtcp: looseRecord.optional(),
  /** mediasoup-client 3.7+ sends the track's MediaStream id. */
  msid: z.string().max(256).optional(),
});
export type RtpParameters = z.infer<typeof RtpParameters>;

export const DtlsParameters = z.strictObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.strictObject({ algorithm: z.string().max(32), value: z.string().max(256) }))
    .min(1)
    .max(10),
});
export type DtlsParameters = z.infer<typeof DtlsParameters>;

export const IceParameters = z.looseObject({
  usernameFragment: z.string(),
  password: z.string(),
  iceLite: z.boolean().optional(),
});
export type IceParameters = z.infer<typeof IceParameters>;

export const IceCandidate = z.looseObject({
  foundation: z.string(),
  priority: z.number(),
  ip: z.string(),
  protocol: z.enum(['udp', 'tcp']),
  port: z.number(),
  type: z.string(),
});
export type IceCandidate = z.infer<typeof IceCandidate>;

export const TransportDirection = z.enum(['send', 'recv']);
export type TransportDirection = z.infer<typeof TransportDirection>;

/** What a browser needs to build a mediasoup-client transport. */
export const TransportOptions = z.object({
  id: z.string(),
  iceParameters: IceParameters,
  iceCandidates: z.array(IceCandidate),
  dtlsParameters: DtlsParameters,
  /** TURN/STUN servers the browser should use (empty on a LAN). */
  iceServers: z.array(
    z.object({ urls: z.union([z.string(), z.array(z.string())]), username: z.string().optional(), credential: z.string().optional() }),
  ),
});
export type TransportOptions = z.infer<typeof TransportOptions>;

/** The `peerId` of the main-screen feed's consumers: the SFU's own stream, no participant. */
export const MAIN_FEED_PEER_ID = 'main-feed';

/**
 * Who the main-screen feed carries from now on (null: nobody, e.g. a camera turned off). `since`
 * is when the SFU sent that person's first key frame into the feed (epoch ms): the picture
 * changes there, not when the chair clicked.
 */
export const MainFeedSource = z.object({ peerId: z.string().nullable(), userId: z.string().nullable(), since: z.number() });
export type MainFeedSource = z.infer<typeof MainFeedSource>;

export const ConsumerOptions = z.object({
  consumerId: z.string(),
  producerId: z.string(),
  /** The peer whose track this is. */
  peerId: z.string(),
  kind: MediaKind,
  source: z.enum(['mic', 'camera']),
  rtpParameters: RtpParameters,
  producerPaused: z.boolean(),
  /**
   * Set on the consumer of the room's main-screen feed: one stream whose picture is whoever the
   * main screen shows (see `media:mainFeed`), so a change of speaker needs no new consumer.
   * `peerId` is then MAIN_FEED_PEER_ID, not a participant.
   */
  feed: z.literal('main').optional(),
});
export type ConsumerOptions = z.infer<typeof ConsumerOptions>;
