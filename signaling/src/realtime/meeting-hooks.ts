import type { JoinedMeeting, SignalingSocket } from './socket-types.js';

/**
 * What a feature does when a socket enters or leaves a meeting's media, so features stay in their
 * own folders: `afterJoin` runs before the join is answered (a failure fails the join).
 */
export interface MeetingHooks {
  afterJoin(socket: SignalingSocket, joined: JoinedMeeting): Promise<void>;
  afterLeave(socket: SignalingSocket, joined: JoinedMeeting): void;
}
