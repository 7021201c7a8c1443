import type { MeetingStatus } from '@ehop/protocol';
import type { MeetingEventHandler } from '../meetings/meeting-events.js';
import { rooms } from '../redis/keys.js';
import { leaveMeeting, type LeaveDeps } from './meeting-handlers.js';
import type { RealtimeDeps } from './realtime-deps.js';
import type { SignalingSocket } from './socket-types.js';

type RelayDeps = LeaveDeps & Pick<RealtimeDeps, 'meetings' | 'attendance'>;

/**
 * A meeting's status change as this node's sockets live it (every node runs this for its own):
 * they are told; once it starts, everyone already in the room is checked in; once it ends, every
 * participant's media is closed (SFU peer, presence) and they are out of the room.
 */
export function meetingStatusRelay(deps: RelayDeps): MeetingEventHandler {
  return {
    async statusChanged({ meetingId, status }) {
      tell(deps, meetingId, status);
      if (status === 'in_progress') await checkInEveryoneHere(deps, meetingId);
      if (status === 'ended') await endParticipation(deps, meetingId);
    },
    /** The "ended" may have been missed: the rooms of this node's sockets are checked against Redis. */
    async missedEvents() {
      for (const meetingId of new Set(joinedSockets(deps).map((socket) => socket.data.joined!.meetingId))) {
        if ((await deps.meetings.get(meetingId))?.status !== 'ended') continue;
        tell(deps, meetingId, 'ended');
        await endParticipation(deps, meetingId);
      }
    },
  };
}

/** To this node's sockets in the meeting's room and those following its documents. */
function tell(deps: RelayDeps, meetingId: string, status: MeetingStatus): void {
  deps.io.local.to([rooms.meeting(meetingId), rooms.documents(meetingId)]).emit('meeting:statusChanged', { meetingId, status });
}

async function checkInEveryoneHere(deps: RelayDeps, meetingId: string): Promise<void> {
  const userIds = new Set(joinedSockets(deps, meetingId).map((socket) => socket.data.user.id));
  for (const userId of userIds) await deps.attendance.checkInOnArrival(meetingId, userId);
}

async function endParticipation(deps: RelayDeps, meetingId: string): Promise<void> {
  await Promise.all(
    joinedSockets(deps, meetingId).map((socket) =>
      socket.data.membershipQueue.run(async () => {
        // A rejoin queued before the end may have moved the socket on; only this meeting is left.
        if (socket.data.joined?.meetingId === meetingId) await leaveMeeting(deps, socket, { announce: false });
      }),
    ),
  );
}

function joinedSockets(deps: RelayDeps, meetingId?: string): SignalingSocket[] {
  return [...deps.io.of('/').sockets.values()].filter(
    (socket) => !!socket.data.joined && (meetingId === undefined || socket.data.joined.meetingId === meetingId),
  );
}
