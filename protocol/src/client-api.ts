import { z } from 'zod';
import type { Ack } from './result.js';
import { Id, MediaSource, PeerInfo } from './domain.js';
import { documentEvents, documentRequests } from './documents.js';
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
import { agendaEvents, agendaRequests } from './agenda.js';
import { attendanceEvents, attendanceRequests } from './attendance.js';
import { meetingLifecycleEvents } from './meeting-management.js';
import { conferenceEvents, conferenceRequests } from './conference.js';
import { voteEvents, voteRequests } from './votes.js';
import { recordingEvents, recordingRequests } from './recordings.js';
import { minutesEvents, minutesRequests } from './minutes.js';

/**
 * Requests a browser sends to signaling over socket.io. Each is acknowledged with `Ack<response>`.
 * The server parses every payload with `request` before acting; anything else is refused. The
 * requests relayed to the SFU (joining, leaving, media) are strict: an unknown key is refused.
 */
export const clientRequests = {
  /**
   * Join a meeting (invited members only): from the answer on, the socket is in the meeting's
   * room (its events, presence, the conference) and may act in it (floor control, main screen...).
   * `media: true` (the default) also opens its SFU peer in the same step: if the SFU cannot, the
   * whole join fails and nothing is written. `media: false` opens none (`routerRtpCapabilities`
   * is then null): a console that never sends or receives media, or a client that stays in the
   * meeting through an SFU outage and opens its media with `media:join` when it can.
   */
  'meeting:join': {
    request: z.strictObject({ meetingId: Id, media: z.boolean().default(true) }),
    response: z.object({
      self: PeerInfo,
      peers: z.array(PeerInfo),
      routerRtpCapabilities: RtpCapabilities.nullable(),
    }),
  },
  /**
   * (Re)opens the SFU peer of the meeting this socket joined, under the same `peerId`: any previous
   * one is closed first (its transports, producers and consumers with it). `media_unavailable`
   * while the SFU cannot be reached; the socket stays in the meeting and hears `media:available`.
   * With `transports: true` the answer also carries the peer's send and receive transports (as
   * `media:createTransport` makes them): a browser saves the round trip between the two.
   */
  'media:join': {
    request: z.strictObject({ transports: z.boolean().optional() }),
    response: z.object({
      routerRtpCapabilities: RtpCapabilities,
      transports: z.object({ send: TransportOptions, recv: TransportOptions }).optional(),
    }),
  },
  'meeting:leave': {
    request: z.strictObject({}),
    response: z.object({}),
  },
  /**
   * What the meeting's media router speaks, asked before joining (by a member): a browser loads its
   * WebRTC device while the person looks at the pre-join screen, and `media:join` later gives the
   * same capabilities (if not, load them again).
   */
  'media:capabilities': {
    request: z.strictObject({ meetingId: Id }),
    response: z.object({ routerRtpCapabilities: RtpCapabilities }),
  },
  'media:createTransport': {
    request: z.strictObject({ direction: TransportDirection }),
    response: TransportOptions,
  },
  'media:connectTransport': {
    request: z.strictObject({ transportId: z.string().min(1).max(64), dtlsParameters: DtlsParameters }),
    response: z.object({}),
  },
  'media:restartIce': {
    request: z.strictObject({ transportId: z.string().min(1).max(64) }),
    response: z.object({ iceParameters: IceParameters }),
  },
  /** Sent once the device is loaded: from then on the server creates consumers for this peer. */
  'media:ready': {
    request: z.strictObject({ rtpCapabilities: RtpCapabilities }),
    response: z.object({}),
  },
  'media:produce': {
    request: z.strictObject({
      transportId: z.string().min(1).max(64),
      kind: MediaKind,
      rtpParameters: RtpParameters,
      source: MediaSource,
      paused: z.boolean().default(false),
    }),
    /** `paused` is what the SFU decided: a microphone of someone who may not speak now is created paused, whatever was asked. */
    response: z.object({ producerId: z.string(), paused: z.boolean() }),
  },
  'media:pauseProducer': {
    request: z.strictObject({ producerId: z.string().min(1).max(64) }),
    response: z.object({}),
  },
  'media:resumeProducer': {
    request: z.strictObject({ producerId: z.string().min(1).max(64) }),
    response: z.object({}),
  },
  'media:closeProducer': {
    request: z.strictObject({ producerId: z.string().min(1).max(64) }),
    response: z.object({}),
  },
  'media:resumeConsumer': {
    request: z.strictObject({ consumerId: z.string().min(1).max(64) }),
    response: z.object({}),
  },
  ...agendaRequests,
  ...attendanceRequests,
  ...conferenceRequests,
  ...documentRequests,
  ...voteRequests,
  ...recordingRequests,
  ...minutesRequests,
} as const;

export type ClientRequestName = keyof typeof clientRequests;
export type ClientRequest<K extends ClientRequestName> = z.input<(typeof clientRequests)[K]['request']>;
export type ParsedClientRequest<K extends ClientRequestName> = z.output<(typeof clientRequests)[K]['request']>;
export type ClientResponse<K extends ClientRequestName> = z.output<(typeof clientRequests)[K]['response']>;

/** Events signaling pushes to browsers. */
export const serverEvents = {
  'peer:joined': PeerInfo,
  'peer:left': z.object({ peerId: z.string() }),
  /** A peer's microphone or camera was turned on or off. */
  'peer:updated': PeerInfo,
  /** Create this consumer on the receive transport, then send `media:resumeConsumer`. */
  'media:newConsumer': ConsumerOptions,
  'media:consumerClosed': z.object({ consumerId: z.string() }),
  'media:consumerPaused': z.object({ consumerId: z.string() }),
  'media:consumerResumed': z.object({ consumerId: z.string() }),
  /** The main-screen feed now carries this person's picture. */
  'media:mainFeed': MainFeedSource,
  /** The media room was lost (e.g. an SFU worker restarted): rebuild the media (`media:join` again). */
  'media:restart': z.object({ reason: z.string() }),
  /**
   * The SFU is reachable again after an outage: sent to every socket joined to a meeting that has
   * no SFU peer open (its `media:join` failed, or it joined with `media: false`). A client that
   * wants media calls `media:join` now instead of waiting for its next retry.
   */
  'media:available': z.object({ reason: z.literal('media_server_reconnected') }),
  ...meetingLifecycleEvents,
  ...agendaEvents,
  ...attendanceEvents,
  ...conferenceEvents,
  ...documentEvents,
  ...voteEvents,
  ...recordingEvents,
  ...minutesEvents,
} as const;

export type ServerEventName = keyof typeof serverEvents;
export type ServerEvent<K extends ServerEventName> = z.output<(typeof serverEvents)[K]>;

/** socket.io typings: the server's view of what clients may emit (payloads are untrusted). */
export type ClientToServerEvents = {
  [K in ClientRequestName]: (payload: unknown, ack: (result: Ack<ClientResponse<K>>) => void) => void;
};

export type ServerToClientEvents = {
  [K in ServerEventName]: (payload: ServerEvent<K>) => void;
};
