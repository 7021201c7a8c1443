import type { JoinedMeeting, SignalingSocket } from './socket-types.js';

/**
 * What a feature does when a socket enters or leaves a meeting, or opens its media there, so
 * features stay in their own folders. `afterJoin` and `afterMediaOpen` run before the request is
 * answered (a failure fails it).
 */
export interface MeetingHooks {
  afterJoin(socket: SignalingSocket, joined: JoinedMeeting): Promise<void>;
  /** The socket's SFU peer was just opened (again): nothing of it has been published yet. */
  afterMediaOpen(socket: SignalingSocket, joined: JoinedMeeting): Promise<void>;
  afterLeave(socket: SignalingSocket, joined: JoinedMeeting): void;
}
