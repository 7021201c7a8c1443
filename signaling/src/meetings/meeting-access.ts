import { isMeetingStaffRole, RequestError, type MeetingRole } from '@ehop/protocol';
import { roleOf, type MeetingRepository, type StoredMeeting } from './meeting-repository.js';

export interface Membership {
  meeting: StoredMeeting;
  role: MeetingRole;
}

export interface AccessOptions {
  /** Administrators see drafts they are invited to even when they did not organise them. */
  isAdmin?: boolean;
}

/**
 * The one membership check, shared by HTTP routes and every socket request about a meeting:
 * unknown meeting -> not_found, not invited -> forbidden, a draft the caller may not see yet
 * (only its organiser, its chair and administrators do) -> forbidden.
 */
export async function requireMembership(
  meetings: MeetingRepository,
  meetingId: string,
  userId: string,
  options: AccessOptions = {},
): Promise<Membership> {
  const meeting = await meetings.get(meetingId);
  if (!meeting) throw new RequestError('not_found', 'Meeting not found');
  const role = roleOf(meeting, userId);
  if (!role) throw new RequestError('forbidden', 'You are not invited to this meeting');
  if (!canSeeMeeting(meeting, userId, options.isAdmin ?? false)) {
    throw new RequestError('forbidden', 'This meeting has not been published yet');
  }
  return { meeting, role };
}

/** Published meetings are seen by their members; a draft only by its organiser, chair and administrators. */
export function canSeeMeeting(meeting: StoredMeeting, userId: string, isAdmin: boolean): boolean {
  if (meeting.status !== 'draft') return true;
  return isAdmin || meeting.organizerId === userId || roleOf(meeting, userId) === 'chair';
}

/** Who may send audio and video into a meeting: everyone but observers. */
export function canPublishMedia(role: MeetingRole): boolean {
  return role !== 'observer';
}

/** Who prepares and reorders the agenda, and records others' attendance. */
export function isMeetingStaff(role: MeetingRole): boolean {
  return isMeetingStaffRole(role);
}

/** Refuses roles not in `allowed` with `forbidden` and `message`. */
export function requireRole(role: MeetingRole, allowed: readonly MeetingRole[], message: string): void {
  if (!allowed.includes(role)) throw new RequestError('forbidden', message);
}

/** An ended meeting is a record: it can be read but not changed. */
export function requireNotEnded(meeting: Pick<StoredMeeting, 'status'>, message = 'This meeting has ended'): void {
  if (meeting.status === 'ended') throw new RequestError('meeting_ended', message);
}
