import { RequestError } from '@ehop/protocol';
import { requireMembership } from '../meetings/meeting-access.js';
import type { MeetingRepository } from '../meetings/meeting-repository.js';
import type { JoinedMeeting, SignalingSocket } from './socket-types.js';

/** The meeting the socket joined; `not_in_meeting` before it joined one. */
export function requireJoined(socket: SignalingSocket): JoinedMeeting {
  const joined = socket.data.joined;
  if (!joined) throw new RequestError('not_in_meeting', 'Join a meeting first');
  return joined;
}

/**
 * The meeting the socket joined, with the caller's role there NOW, read from Redis: an
 * administrator may have changed it (or removed them) since the join, and that must count at
 * once, not at the next join. Refused as `requireMembership` refuses.
 */
export async function requireJoinedMember(meetings: MeetingRepository, socket: SignalingSocket): Promise<JoinedMeeting> {
  const joined = requireJoined(socket);
  const { user } = socket.data;
  const { role } = await requireMembership(meetings, joined.meetingId, user.id, { isAdmin: user.isAdmin });
  joined.role = role;
  return joined;
}

/** The join, if its SFU peer is open: media requests have nothing to act on otherwise. */
export function requireMediaOpen(joined: JoinedMeeting): JoinedMeeting {
  if (!joined.mediaOpen) throw new RequestError('not_in_meeting', 'Open your media first (media:join)');
  return joined;
}
