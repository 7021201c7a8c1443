import { RequestError, type MeetingRole, type User } from '@ehop/protocol';
import { roleOf, type MeetingRepository, type StoredMeeting } from '../meetings/meeting-repository.js';

/**
 * Who may open an archived meeting's dossier: its members (in any role) and administrators.
 * Unknown or not yet ended -> not_found (there is no dossier); not a member -> forbidden.
 */
export async function requireArchiveAccess(
  meetings: MeetingRepository,
  meetingId: string,
  user: User,
): Promise<{ meeting: StoredMeeting; role: MeetingRole | null }> {
  const meeting = await meetings.get(meetingId);
  if (!meeting || meeting.status !== 'ended') throw new RequestError('not_found', 'No archived meeting with this id');
  const role = roleOf(meeting, user.id);
  if (!role && !user.isAdmin) throw new RequestError('forbidden', 'Only the meeting’s members and administrators see its dossier');
  return { meeting, role };
}
