import type { Logger } from '../logger.js';
import type { MeetingHooks } from '../realtime/meeting-hooks.js';
import type { AttendanceService } from './attendance-service.js';

/**
 * Joining the meeting's room checks the member in (attendance-service: checkInOnArrival). A
 * failure there is logged, never a failed join: the secretary can still record it by hand.
 */
export function attendanceHooks(attendance: Pick<AttendanceService, 'checkInOnArrival'>, logger: Logger): MeetingHooks {
  return {
    async afterJoin(_socket, joined) {
      await attendance
        .checkInOnArrival(joined.meetingId, joined.self.userId)
        .catch((error: unknown) => logger.warn({ err: error, meetingId: joined.meetingId }, 'could not check in on arrival'));
    },
    async afterMediaOpen() {},
    afterLeave() {},
    async afterRoleChange() {},
    async membersChanged() {},
  };
}
