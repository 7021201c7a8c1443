import { z } from 'zod';
import { Id } from './domain.js';
import { MAX_VISIBLE_THUMBNAILS, PeerNetworkQuality, SendLayers } from './conference.js';
import { MainFeedSource, TransportDirection } from './media.js';

/*
 * The SFU side of conference control: signaling decides (floor, main screen), the SFU enforces it
 * on the media itself. Spread into `sfuRequests` / `sfuEvents` in sfu-api.ts.
 */

/** Strict like sfu-api.ts's scopes: an unknown key is refused with invalid_payload. */
const RoomScope = z.strictObject({ roomId: Id });
const PeerScope = RoomScope.extend({ peerId: Id });

/**
 * What a room forwards. Microphones of users outside `speakers` are paused on the SFU and their
 * audio reaches nobody, whatever their browser does.
 */
export const MediaPolicy = z.object({
  /** Newer policies win; one older than the room's current one is ignored (two signaling nodes may race). */
  version: z.number().int().min(0),
  speakers: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('everyone') }),
    z.object({ mode: z.literal('listed'), userIds: z.array(Id).max(64) }),
  ]),
  /** Whose camera every main screen shows (through the room's main-screen feed). */
  main: z.object({
    userId: Id.nullable(),
    /** Follow the ActiveSpeakerObserver's dominant speaker (falling back to `userId`). */
    followActiveSpeaker: z.boolean(),
  }),
  /**
   * Whose microphone the room's main-screen feed carries to every receiver (the floor holder): a
   * change of speaker then needs no consumer per receiver. Their microphone still only flows while
   * `speakers` lets them speak.
   */
  floorHolderUserId: Id.nullable().default(null),
  /**
   * The next speakers (head of the queue): their camera and microphone are kept ready (paused) in
   * the room's main-screen feed, so when the chair gives one of them the floor only a key frame is
   * missing.
   */
  upcomingUserIds: z.array(Id).max(4).default([]),
});
export type MediaPolicy = z.infer<typeof MediaPolicy>;

export const MicrophoneTarget = z.discriminatedUnion('target', [
  z.object({ target: z.literal('users'), userIds: z.array(Id).min(1).max(500) }),
  z.object({ target: z.literal('allExcept'), userIds: z.array(Id).max(500) }),
]);
export type MicrophoneTarget = z.infer<typeof MicrophoneTarget>;

const Port = z.number().int().min(1).max(65_535);

export const sfuConferenceRequests = {
  'room:setPolicy': {
    request: RoomScope.extend({ policy: MediaPolicy }),
    response: z.object({ applied: z.boolean() }),
  },
  /** The peers whose thumbnails this peer shows (in display order). */
  'peer:setView': {
    request: PeerScope.extend({ thumbnails: z.array(Id).max(MAX_VISIBLE_THUMBNAILS) }),
    response: z.object({}),
  },
  /**
   * Pause (`muted`) or resume microphones on the server. Resuming only happens for users the policy
   * lets speak; the others stay paused.
   */
  'room:setMicrophones': {
    request: RoomScope.extend({ muted: z.boolean(), who: MicrophoneTarget }),
    response: z.object({ changed: z.number().int().min(0) }),
  },
  'room:networkQuality': {
    request: RoomScope,
    response: z.object({ peers: z.array(PeerNetworkQuality) }),
  },
  /** Packets and bytes forwarded so far by every consumer of the room (monitoring, benchmarks). */
  'room:traffic': {
    request: RoomScope,
    response: z.object({
      consumers: z.number().int(),
      activeConsumers: z.number().int(),
      packetsSent: z.number(),
      bytesSent: z.number(),
      packetsReceived: z.number(),
    }),
  },
  /**
   * Benchmarks and tests only, refused unless the SFU runs with SFU_ENABLE_PLAIN_RTP=1: a plain
   * RTP transport for a synthetic endpoint (ffmpeg sending, a UDP socket receiving). Without
   * `remote` it learns the sender's address from the first packet (comedia).
   */
  'plain:createTransport': {
    request: PeerScope.extend({
      direction: TransportDirection,
      remote: z.object({ ip: z.ipv4(), port: Port }).optional(),
    }),
    response: z.object({ id: z.string(), ip: z.string(), port: Port }),
  },
} as const;

export const sfuConferenceEvents = {
  /** The room's dominant speaker changed (sent to every signaling connection). */
  'room:activeSpeaker': z.object({ roomId: Id, peerId: Id.nullable(), userId: Id.nullable() }),
  /** The room's main-screen feed cut over (sent to every signaling connection, for all of the room's browsers at once). */
  'room:mainFeed': z.object({ roomId: Id, source: MainFeedSource }),
} as const;

/** Notifications about a peer's own producers, relayed to its browser. */
export const producerNotifications = [
  z.object({
    event: z.literal('media:producerPaused'),
    payload: z.object({ producerId: z.string(), source: z.enum(['mic', 'camera']) }),
  }),
  z.object({
    event: z.literal('media:producerResumed'),
    payload: z.object({ producerId: z.string(), source: z.enum(['mic', 'camera']) }),
  }),
  z.object({ event: z.literal('media:sendLayers'), payload: SendLayers }),
] as const;
