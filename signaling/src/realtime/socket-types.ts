import type { Server, Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  MediaSource,
  MeetingRole,
  PeerInfo,
  ServerToClientEvents,
  User,
} from '@ehop/protocol';
import type { SerialQueue } from './serial-queue.js';

export interface ProducerState {
  source: MediaSource;
  paused: boolean;
}

/**
 * A socket's place in a meeting, from `meeting:join` until leave or disconnect: in the meeting's
 * rooms and presence, allowed to act in it with its role. Its media (an SFU peer under the same
 * `peerId`) is a layer on top, open or not: see `mediaOpen`.
 */
export interface JoinedMeeting {
  meetingId: string;
  /** Random per join: one user may be in a meeting from two devices, each its own peer. */
  peerId: string;
  /** An SFU peer is open for this join (`meeting:join` with media, or `media:join`). */
  mediaOpen: boolean;
  role: MeetingRole;
  /** What the other peers see of this one (kept in step with the presence record). */
  self: PeerInfo;
  /** This peer's producers, to flip micOn/camOn when they are paused, resumed or closed. */
  producers: Map<string, ProducerState>;
}

export interface SocketData {
  user: User;
  sessionId: string;
  joined: JoinedMeeting | null;
  /** Join, leave and disconnect run one after another, never interleaved. */
  membershipQueue: SerialQueue;
}

/** Between signaling nodes (socket.io's server-side events, carried by the Redis adapter). */
type InterServerEvents = {
  /** An administrator changed these users' roles in the meeting, or removed them (membership-sync.ts). */
  'meeting:membersChanged': (meetingId: string, userIds: string[]) => void;
};

export type SignalingIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type SignalingSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
