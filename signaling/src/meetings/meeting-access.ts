import { RequestError, type MeetingRole } from '@ehop/protocol';
import { roleOf, type MeetingRepository, type StoredMeeting } from './meeting-repository.js';

export interface Membership {
  meeting: StoredMeeting;
  role: MeetingRole;
}

/**
 * The one membership check, shared by HTTP routes and the socket `meeting:join`:
 * unknown meeting -> not_found, not invited -> forbidden.
 */
export async function requireMembership(
  meetings: MeetingRepository,
  meetingId: string,
  userId: string,
): Promise<Membership> {
  const meeting = await meetings.get(meetingId);
  if (!meeting) throw new RequestError('not_found', 'Meeting not found');
  const role = roleOf(meeting, userId);
  if (!role) throw new RequestError('forbidden', 'You are not invited to this meeting');
  return { meeting, role };
}

/** Who may send audio and video into a meeting: everyone but observers. */
export function canPublishMedia(role: MeetingRole): boolean {
  return role !== 'observer';
}
