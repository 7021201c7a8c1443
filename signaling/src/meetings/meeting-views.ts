import type { MeetingDetail, MeetingMember, MeetingRole, MeetingSummary, Unit, User } from '@ehop/protocol';
import type { StoredMeeting } from './meeting-repository.js';

/**
 * What one member sees of a meeting in their list. Fields are picked, not copied: the stored
 * record also holds organiser, invited units and quorum, which are for the meeting's editors.
 */
export function toSummary(meeting: StoredMeeting, myRole: MeetingRole): MeetingSummary {
  const { id, title, startsAt, location, status, endedAt } = meeting;
  return { id, title, startsAt, location, status, endedAt, myRole };
}

/**
 * The meeting with its members' names and units. A member whose account or unit has been
 * deleted is left out rather than shown half-empty.
 */
export function toDetail(
  meeting: StoredMeeting,
  myRole: MeetingRole,
  users: Map<string, User>,
  units: Map<string, Unit>,
): MeetingDetail {
  const members: MeetingMember[] = [];
  for (const { userId, role } of meeting.members) {
    const user = users.get(userId);
    const unit = user ? units.get(user.unitId) : undefined;
    if (user && unit) members.push({ userId, displayName: user.displayName, role, unit });
  }
  return { ...toSummary(meeting, myRole), members };
}

/** Soonest first; meetings at the same time by title, so the list order is stable. */
export function byStartTime(a: MeetingSummary, b: MeetingSummary): number {
  return a.startsAt.localeCompare(b.startsAt) || a.title.localeCompare(b.title, 'vi');
}
