import type { minutesRequests } from '@ehop/protocol';
import type { ClientRequestHandlers } from '../realtime/bind-requests.js';
import type { SignalingSocket } from '../realtime/socket-types.js';
import type { MinutesService } from './minutes-service.js';

type MinutesHandlers = Pick<ClientRequestHandlers, keyof typeof minutesRequests>;

export function minutesHandlers(minutes: MinutesService, socket: SignalingSocket): MinutesHandlers {
  const user = () => socket.data.user;
  return {
    'minutes:get': ({ meetingId }) => minutes.get(user(), meetingId),
    'minutes:saveSection': (request) => minutes.saveSection(user(), request),
    'minutes:saveHeading': ({ meetingId, heading }) => minutes.saveHeading(user(), meetingId, heading),
    'minutes:submit': ({ meetingId }) => minutes.submit(user(), meetingId),
    'minutes:approve': ({ meetingId }) => minutes.approve(user(), meetingId),
    'minutes:return': ({ meetingId }) => minutes.returnToDraft(user(), meetingId),
    'minutes:skeleton': async ({ meetingId }) => ({ sections: await minutes.skeleton(user(), meetingId) }),
    'minutes:versions': async ({ meetingId }) => ({ versions: await minutes.versions(user(), meetingId) }),
    'minutes:version': ({ meetingId, revision }) => minutes.version(user(), meetingId, revision),
  };
}
