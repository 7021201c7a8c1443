import type { attendanceRequests } from '@ehop/protocol';
import type { ClientRequestHandlers } from '../realtime/bind-requests.js';
import type { SignalingSocket } from '../realtime/socket-types.js';
import { rooms } from '../redis/keys.js';
import type { AttendanceService } from './attendance-service.js';

type AttendanceHandlers = Pick<ClientRequestHandlers, keyof typeof attendanceRequests>;

export function attendanceHandlers(attendance: AttendanceService, socket: SignalingSocket): AttendanceHandlers {
  return {
    'attendance:get': async ({ meetingId }) => {
      const { snapshot, watchesEveryone } = await attendance.view(socket.data.user, meetingId);
      // The chair and the secretary follow every check-in from now on; the others hear about
      // their own entry only, through their user room.
      if (watchesEveryone) await socket.join(rooms.attendanceWatchers(meetingId));
      return snapshot;
    },
    'attendance:checkIn': (request) => attendance.checkIn(socket.data.user, request),
  };
}
