import type { MeetingRole } from '@ehop/protocol';
import type { JoinedMeeting, SignalingSocket } from './socket-types.js';

/**
 * What a feature does when a socket enters or leaves a meeting, opens its media there, or when an
 * administrator changes who is in the meeting, so features stay in their own folders.
 * `afterJoin` and `afterMediaOpen` run before the request is answered (a failure fails it).
 */
export interface MeetingHooks {
  afterJoin(socket: SignalingSocket, joined: JoinedMeeting): Promise<void>;
  /** The socket's SFU peer was just opened (again): nothing of it has been published yet. */
  afterMediaOpen(socket: SignalingSocket, joined: JoinedMeeting): Promise<void>;
  afterLeave(socket: SignalingSocket, joined: JoinedMeeting): void;
  /** The joined socket's user has another role in the meeting now (`joined.role` is the new one). */
  afterRoleChange(socket: SignalingSocket, joined: JoinedMeeting, previous: MeetingRole): Promise<void>;
  /** Members or their roles changed; runs once, on the node that saved the change. */
  membersChanged(meetingId: string): Promise<void>;
}
