import { rooms } from '../redis/keys.js';
import type { MeetingHooks } from '../realtime/meeting-hooks.js';
import { canSeeQueue } from './conference-roles.js';
import type { ConferenceService } from './conference-service.js';

/**
 * On join: the socket hears its own place in the queue (and the whole queue for the chair and the
 * secretary). On opening media: the SFU room gets the floor rules before this peer can publish
 * anything (the room may be new: the SFU restarted, or nobody had media yet).
 */
export function conferenceHooks(conference: ConferenceService): MeetingHooks {
  return {
    async afterJoin(socket, joined) {
      const personal = [rooms.meetingUser(joined.meetingId, joined.self.userId)];
      if (canSeeQueue(joined.role)) personal.push(rooms.meetingManagers(joined.meetingId));
      await socket.join(personal);
    },
    async afterMediaOpen(_socket, joined) {
      await conference.enforceCurrent(joined.meetingId);
    },
    afterLeave(socket, joined) {
      socket.leave(rooms.meetingUser(joined.meetingId, joined.self.userId));
      socket.leave(rooms.meetingManagers(joined.meetingId));
    },
    // A chair or secretary made a delegate stops seeing the queue; the other way round starts.
    async afterRoleChange(socket, joined) {
      if (canSeeQueue(joined.role)) await socket.join(rooms.meetingManagers(joined.meetingId));
      else socket.leave(rooms.meetingManagers(joined.meetingId));
    },
    // The chairs may always speak: a demoted chair's microphone is paused on the SFU at once.
    membersChanged: (meetingId) => conference.membersChanged(meetingId),
  };
}
