import { RequestError } from '@ehop/protocol';
import { canPublishMedia } from '../meetings/meeting-access.js';
import type { ClientRequestHandlers } from '../realtime/bind-requests.js';
import type { RealtimeDeps } from '../realtime/realtime-deps.js';
import { requireJoinedMember, requireMediaOpen } from '../realtime/joined-member.js';
import type { SignalingSocket } from '../realtime/socket-types.js';
import {
  grantFloor,
  myRequest,
  releaseFloor,
  requestFloor,
  setMainScreen,
  setMode,
  withdrawRequest,
} from './floor-state.js';
import { canControlFloor, canSeeQueue } from './conference-roles.js';

type ConferenceRequestName =
  | 'conference:get'
  | 'conference:setView'
  | 'floor:request'
  | 'floor:cancel'
  | 'floor:grant'
  | 'floor:release'
  | 'floor:dismiss'
  | 'floor:setMode'
  | 'floor:mute'
  | 'mainScreen:set'
  | 'floor:log';

export type ConferenceHandlers = Pick<ClientRequestHandlers, ConferenceRequestName>;

/**
 * Floor control and the main screen over socket.io. Everything acts on the meeting the socket
 * joined, with the role it has in that meeting: only the chair controls the floor and the main
 * screen; the chair and the secretary see the queue and the log; participants ask to speak.
 * None of it needs the caller's own media (a chair's console without camera, or joined with
 * `media: false`, runs the floor): only `conference:setView` does.
 */
export function conferenceHandlers(deps: RealtimeDeps, socket: SignalingSocket): ConferenceHandlers {
  const { conference } = deps;
  const now = () => new Date();
  // The role as it is now in Redis, not as it was at the join: a chair demoted a second ago is no chair.
  const requireJoined = () => requireJoinedMember(deps.meetings, socket);
  const requireChair = async () => {
    const joined = await requireJoined();
    if (!canControlFloor(joined.role)) throw new RequestError('forbidden', 'Only the chair controls the floor and the main screen');
    return joined;
  };

  return {
    'conference:get': async () => {
      const joined = await requireJoined();
      return conference.snapshot(joined.meetingId, joined.self.userId, canSeeQueue(joined.role));
    },

    'conference:setView': async ({ thumbnails }) => {
      // What this peer receives: only a peer with media has anything to receive.
      const joined = requireMediaOpen(await requireJoined());
      await deps.sfu.request('peer:setView', { roomId: joined.meetingId, peerId: joined.peerId, thumbnails });
      return {};
    },

    'floor:request': async ({ kind, agendaItemId }) => {
      const joined = await requireJoined();
      if (!canPublishMedia(joined.role)) throw new RequestError('forbidden', 'Observers cannot speak');
      if (canControlFloor(joined.role)) throw new RequestError('conflict', 'The chair may always speak');
      const { userId, displayName, unit } = joined.self;
      const record = await conference.apply(joined.meetingId, (current) =>
        requestFloor(current, { userId, displayName, unit }, kind, agendaItemId, now()),
      );
      return { position: myRequest(record, userId)!.position };
    },

    'floor:cancel': async () => {
      const joined = await requireJoined();
      await conference.apply(joined.meetingId, (current) => withdrawRequest(current, joined.self.userId));
      return {};
    },

    'floor:grant': async ({ userId, speakingTimeSec }) => {
      const joined = await requireChair();
      const grantee = await conference.participant(joined.meetingId, userId);
      const record = await conference.apply(joined.meetingId, (current) => grantFloor(current, grantee, speakingTimeSec, now()));
      return { version: record.version };
    },

    'floor:release': async () => {
      const joined = await requireJoined();
      const isChair = canControlFloor(joined.role);
      const record = await conference.apply(joined.meetingId, (current) => {
        // The speaker may hand the floor back; nobody else but the chair may take it.
        if (!isChair && current.holder?.userId !== joined.self.userId) {
          throw new RequestError('forbidden', 'Only the chair can take the floor back');
        }
        return releaseFloor(current, now(), isChair ? 'chair' : 'speaker');
      });
      return { version: record.version };
    },

    'floor:dismiss': async ({ userId }) => {
      const joined = await requireChair();
      const record = await conference.apply(joined.meetingId, (current) => withdrawRequest(current, userId));
      return { version: record.version };
    },

    'floor:setMode': async ({ mode }) => {
      const joined = await requireChair();
      const record = await conference.apply(joined.meetingId, (current) => setMode(current, mode));
      return { version: record.version };
    },

    'floor:mute': async (request) => {
      const joined = await requireChair();
      if (request.target === 'user') await conference.participant(joined.meetingId, request.userId);
      await conference.mute(joined.meetingId, request.target === 'all' ? 'all' : { userId: request.userId });
      return {};
    },

    'mainScreen:set': async ({ selection }) => {
      const joined = await requireChair();
      if (selection.mode === 'endpoint') await conference.participant(joined.meetingId, selection.userId);
      const record = await conference.apply(joined.meetingId, (current) => setMainScreen(current, selection));
      return { version: record.version };
    },

    'floor:log': async () => {
      const joined = await requireJoined();
      if (!canSeeQueue(joined.role)) throw new RequestError('forbidden', 'Only the chair and the secretary see the speakers log');
      return { entries: await conference.log(joined.meetingId) };
    },
  };
}
