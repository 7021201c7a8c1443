import type { Minutes } from '@ehop/protocol';
import type { StoredMeeting } from '../meetings/meeting-repository.js';
import { rooms } from '../redis/keys.js';
import type { SignalingIo } from '../realtime/socket-types.js';

/**
 * Who is told that the minutes changed: the chair and the secretary, on every socket of theirs
 * (in the room or on the minutes page after the meeting). Others read only approved minutes.
 */
export function minutesBroadcast(getIo: () => SignalingIo | undefined) {
  return (meeting: StoredMeeting, minutes: Minutes, sectionId: string | null): void => {
    const io = getIo();
    if (!io) return;
    const staff = meeting.members.filter((member) => member.role === 'chair' || member.role === 'secretary');
    if (staff.length === 0) return;
    io.to(staff.map((member) => rooms.user(member.userId))).emit('minutes:changed', {
      meetingId: meeting.id,
      status: minutes.status,
      revision: minutes.revision,
      updatedBy: minutes.updatedBy,
      sectionId,
    });
  };
}
