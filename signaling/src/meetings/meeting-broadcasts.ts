import type { Agenda, AttendanceEntry } from '@ehop/protocol';
import { rooms } from '../redis/keys.js';
import type { SignalingIo } from '../realtime/socket-types.js';

/** The live announcements of a meeting's state; through the Redis adapter they reach every node. */
export interface MeetingBroadcasts {
  agendaChanged(agenda: Agenda): void;
  /** To the chair and secretary following attendance, and to the person concerned. */
  attendanceChanged(meetingId: string, entry: AttendanceEntry): void;
}

/** `getIo` because the HTTP app (whose routes announce changes) is built before socket.io. */
export function meetingBroadcasts(getIo: () => SignalingIo | undefined): MeetingBroadcasts {
  return {
    agendaChanged(agenda) {
      getIo()?.to(rooms.meeting(agenda.meetingId)).emit('agenda:changed', agenda);
    },
    attendanceChanged(meetingId, entry) {
      getIo()
        ?.to([rooms.attendanceWatchers(meetingId), rooms.user(entry.userId)])
        .emit('attendance:changed', { meetingId, entry });
    },
  };
}
