import { z } from 'zod';
import { Id, Unit } from './domain.js';

/*
 * Conference control (issue 4): who has the floor, what the main screen shows, which thumbnails a
 * participant looks at, and how good each endpoint's network is. Spread into `clientRequests` /
 * `serverEvents` in client-api.ts.
 */

/** `floor`: only the chair and whoever the chair gave the floor may speak; `open`: open discussion. */
export const FloorMode = z.enum(['floor', 'open']);
export type FloorMode = z.infer<typeof FloorMode>;

/** A point of order (kiến nghị về thủ tục) jumps ahead of ordinary requests to speak. */
export const FloorRequestKind = z.enum(['speak', 'point_of_order']);
export type FloorRequestKind = z.infer<typeof FloorRequestKind>;

/** Longest speaking time the chair can set: two hours. */
export const MAX_SPEAKING_TIME_SEC = 7_200;
/** Most thumbnails a participant may ask to receive at once (one page of the strip). */
export const MAX_VISIBLE_THUMBNAILS = 24;

export const FloorRequest = z.object({
  userId: Id,
  displayName: z.string(),
  unit: Unit,
  kind: FloorRequestKind,
  /** The agenda item the request is about, when the requester chose the current one. */
  agendaItemId: Id.nullable(),
  requestedAt: z.iso.datetime(),
});
export type FloorRequest = z.infer<typeof FloorRequest>;

export const FloorHolder = z.object({
  userId: Id,
  displayName: z.string(),
  unit: Unit,
  kind: FloorRequestKind,
  agendaItemId: Id.nullable(),
  grantedAt: z.iso.datetime(),
  /** The speaking time the chair set, if any; the countdown ends at `endsAt`. */
  speakingTimeSec: z.number().int().positive().nullable(),
  endsAt: z.iso.datetime().nullable(),
});
export type FloorHolder = z.infer<typeof FloorHolder>;

/** What the chair chose for every endpoint's main screen. */
export const MainScreenSelection = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('chair') }),
  /** Whoever holds the floor (the chair's camera while nobody does). */
  z.object({ mode: z.literal('floor') }),
  z.object({ mode: z.literal('endpoint'), userId: Id }),
  /** The presented document; the client renders it in the main screen's document slot. */
  z.object({ mode: z.literal('document'), documentId: Id }),
  /** The loudest participant, as the SFU's ActiveSpeakerObserver hears it (open discussion). */
  z.object({ mode: z.literal('active_speaker') }),
]);
export type MainScreenSelection = z.infer<typeof MainScreenSelection>;
export type MainScreenMode = MainScreenSelection['mode'];

/** The conference as every participant sees it. `version` grows with every change. */
export const ConferenceState = z.object({
  version: z.number().int().min(0),
  mode: FloorMode,
  holder: FloorHolder.nullable(),
  mainScreen: MainScreenSelection,
  /**
   * Whose camera the main screen shows, resolved by the server (null for a document, or when
   * following the active speaker: then `conference:activeSpeaker` tells).
   */
  mainUserId: Id.nullable(),
  /** Users who may unmute now; null in open discussion (everyone may). */
  speakerUserIds: z.array(Id).nullable(),
  queueLength: z.number().int().min(0),
  /** The server's clock when this was sent, so countdowns agree whatever the device's clock. */
  serverTime: z.iso.datetime(),
});
export type ConferenceState = z.infer<typeof ConferenceState>;

/** The caller's own request and its place in the queue (1 = next). */
export const MyFloorRequest = z.object({
  position: z.number().int().min(1),
  kind: FloorRequestKind,
  agendaItemId: Id.nullable(),
  requestedAt: z.iso.datetime(),
});
export type MyFloorRequest = z.infer<typeof MyFloorRequest>;

/** One grant of the floor, for the minutes: who spoke, on which item, from when to when. */
export const FloorLogEntry = z.object({
  userId: Id,
  displayName: z.string(),
  unitName: z.string(),
  kind: FloorRequestKind,
  agendaItemId: Id.nullable(),
  grantedAt: z.iso.datetime(),
  releasedAt: z.iso.datetime(),
  durationSec: z.number().int().min(0),
  /**
   * `chair`: taken back; `next_speaker`: the chair gave the floor to someone else; `meeting_ended`:
   * the meeting ended while this turn was running.
   */
  endedBy: z.enum(['chair', 'next_speaker', 'speaker', 'meeting_ended']),
});
export type FloorLogEntry = z.infer<typeof FloorLogEntry>;

/** A district (or the province itself) the thumbnails can be grouped and filtered by. */
export const UnitGroup = z.object({ id: Id, name: z.string(), level: z.enum(['province', 'district']) });
export type UnitGroup = z.infer<typeof UnitGroup>;

/** Network quality of one endpoint as the SFU measures it (null: not measured yet). */
export const PeerNetworkQuality = z.object({
  peerId: Id,
  userId: Id,
  /** What the endpoint sends us, bits per second. */
  uplinkBitrate: z.number().min(0),
  /** What we send the endpoint, bits per second. */
  downlinkBitrate: z.number().min(0),
  /** Share of the endpoint's packets lost on the way to us, percent. */
  uplinkLossPercent: z.number().min(0).max(100).nullable(),
  /** Share of our packets the endpoint reports lost, percent. */
  downlinkLossPercent: z.number().min(0).max(100).nullable(),
  roundTripMs: z.number().min(0).nullable(),
});
export type PeerNetworkQuality = z.infer<typeof PeerNetworkQuality>;

const Empty = z.object({});
const Versioned = z.object({ version: z.number().int().min(0) });

export const conferenceRequests = {
  /** The caller's view of the conference; for members in the meeting (`meeting:join`), with or without media. */
  'conference:get': {
    request: Empty,
    response: z.object({
      state: ConferenceState,
      /** The full queue for the chair and the secretary; null for everyone else. */
      queue: z.array(FloorRequest).nullable(),
      myRequest: MyFloorRequest.nullable(),
      activeSpeakerUserId: Id.nullable(),
      unitGroups: z.array(UnitGroup),
    }),
  },
  /** Ask to speak (đăng ký phát biểu), optionally on an agenda item. Asking again updates the request. */
  'floor:request': {
    request: z.object({ kind: FloorRequestKind.default('speak'), agendaItemId: Id.nullable().default(null) }),
    response: z.object({ position: z.number().int().min(1) }),
  },
  /** Withdraw one's own request. */
  'floor:cancel': { request: Empty, response: Empty },
  /** Chair: give the floor to a member (usually the head of the queue). */
  'floor:grant': {
    request: z.object({
      userId: Id,
      speakingTimeSec: z.number().int().min(10).max(MAX_SPEAKING_TIME_SEC).nullable().default(null),
    }),
    response: Versioned,
  },
  /** Chair: take the floor back; the holder may also hand it back themselves. */
  'floor:release': { request: Empty, response: Versioned },
  /** Chair: remove someone else's request from the queue. */
  'floor:dismiss': { request: z.object({ userId: Id }), response: Versioned },
  /** Chair: floor control or open discussion. */
  'floor:setMode': { request: z.object({ mode: FloorMode }), response: Versioned },
  /** Chair: mute one participant, or everyone but the chair. Muted on the server. */
  'floor:mute': {
    request: z.discriminatedUnion('target', [
      z.object({ target: z.literal('user'), userId: Id }),
      z.object({ target: z.literal('all') }),
    ]),
    response: Empty,
  },
  /** Chair: what every main screen shows. */
  'mainScreen:set': { request: z.object({ selection: MainScreenSelection }), response: Versioned },
  /** The peers whose thumbnails this participant shows now; only those are sent (at the low layer). */
  'conference:setView': {
    request: z.strictObject({ thumbnails: z.array(Id).max(MAX_VISIBLE_THUMBNAILS) }),
    response: Empty,
  },
  /** Chair and secretary: who spoke when, for the minutes. */
  'floor:log': { request: Empty, response: z.object({ entries: z.array(FloorLogEntry) }) },
} as const;

/**
 * Which of a camera's simulcast layers anyone receives: the browser encodes and sends layers 0 to
 * `maxSpatialLayer` only (lowest first, as published), and the rest not at all.
 */
export const SendLayers = z.object({ producerId: z.string(), maxSpatialLayer: z.number().int().min(0) });

export const conferenceEvents = {
  /** The conference changed (sent to the whole meeting). */
  'conference:state': ConferenceState,
  /** The queue changed (sent to the chair and the secretary only). */
  'conference:queue': z.object({ version: z.number().int().min(0), queue: z.array(FloorRequest) }),
  /** Your own request moved, was granted or removed (sent to the requester only). */
  'conference:myRequest': z.object({ version: z.number().int().min(0), request: MyFloorRequest.nullable() }),
  /** The SFU heard a new dominant speaker (main screen in `active_speaker` mode follows it). */
  'conference:activeSpeaker': z.object({ userId: Id.nullable(), peerId: Id.nullable() }),
  /** Every endpoint's network quality, every few seconds (chair and secretary only). */
  'conference:networkQuality': z.object({ peers: z.array(PeerNetworkQuality) }),
  /** The server paused your microphone (floor taken back, muted by the chair). */
  'media:producerPaused': z.object({ producerId: z.string(), source: z.enum(['mic', 'camera']) }),
  /** The server resumed your microphone (the chair gave you the floor). */
  'media:producerResumed': z.object({ producerId: z.string(), source: z.enum(['mic', 'camera']) }),
  /** Encode and send only these of your camera's simulcast layers: nobody receives the others. */
  'media:sendLayers': SendLayers,
} as const;
