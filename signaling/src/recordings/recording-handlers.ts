import type { recordingRequests } from '@ehop/protocol';
import type { ClientRequestHandlers } from '../realtime/bind-requests.js';
import type { SignalingSocket } from '../realtime/socket-types.js';
import type { RecordingService } from './recording-service.js';

type RecordingHandlers = Pick<ClientRequestHandlers, keyof typeof recordingRequests>;

/** The recording requests of one socket; roles are checked by the service. */
export function recordingHandlers(recordings: RecordingService, socket: SignalingSocket): RecordingHandlers {
  const user = () => socket.data.user;
  return {
    'recording:start': ({ meetingId }) => recordings.start(user(), meetingId),
    'recording:stop': ({ meetingId }) => recordings.stop(user(), meetingId),
    'recording:state': ({ meetingId }) => recordings.state(user(), meetingId),
    'recording:list': async ({ meetingId }) => ({ recordings: await recordings.list(user(), meetingId) }),
  };
}
