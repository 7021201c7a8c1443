import type { voteRequests } from '@ehop/protocol';
import type { ClientRequestHandlers } from '../realtime/bind-requests.js';
import type { SignalingSocket } from '../realtime/socket-types.js';
import type { VoteService } from './vote-service.js';

type VoteHandlers = Pick<ClientRequestHandlers, keyof typeof voteRequests>;

export function voteHandlers(votes: VoteService, socket: SignalingSocket): VoteHandlers {
  return {
    'votes:list': ({ meetingId }) => votes.list(socket.data.user, meetingId),
    'votes:open': (request) => votes.open(socket.data.user, request),
    'votes:cast': (request) => votes.cast(socket.data.user, request),
    'votes:close': (request) => votes.close(socket.data.user, request),
  };
}
