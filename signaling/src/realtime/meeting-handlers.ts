import { randomBytes } from 'node:crypto';
import { RequestError, type ClientResponse, type PeerInfo } from '@ehop/protocol';
import { requireMembership, requireNotEnded } from '../meetings/meeting-access.js';
import { rooms } from '../redis/keys.js';
import type { ClientRequestHandlers } from './bind-requests.js';
import type { RealtimeDeps } from './realtime-deps.js';
import type { SignalingSocket } from './socket-types.js';
import { runNowOrWhenStored } from '../redis/retry-while-down.js';

type MeetingHandlers = Pick<ClientRequestHandlers, 'meeting:join' | 'meeting:leave'>;
/** What leaving a meeting touches. */
export type LeaveDeps = Pick<RealtimeDeps, 'io' | 'presence' | 'sfu' | 'meetingHooks' | 'logger'>;

export function meetingHandlers(deps: RealtimeDeps, socket: SignalingSocket): MeetingHandlers {
  const queue = socket.data.membershipQueue;
  return {
    'meeting:join': ({ meetingId }) => queue.run(() => joinMeeting(deps, socket, meetingId)),
    'meeting:leave': () =>
      queue.run(async () => {
        await leaveMeeting(deps, socket);
        return {};
      }),
  };
}

/**
 * Enters a meeting's media: membership checked in Redis first (nothing is written for an
 * outsider), then the SFU room and peer, then presence and the broadcast to the others.
 */
async function joinMeeting(deps: RealtimeDeps, socket: SignalingSocket, meetingId: string): Promise<ClientResponse<'meeting:join'>> {
  if (deps.isShuttingDown()) throw new RequestError('media_unavailable', 'This server is restarting, please try again');
  const { user } = socket.data;
  const { meeting, role } = await requireMembership(deps.meetings, meetingId, user.id, { isAdmin: user.isAdmin });
  requireNotEnded(meeting);
  const unit = await deps.units.get(user.unitId);
  if (!unit) throw new Error(`unit ${user.unitId} of user ${user.id} is missing`);

  // Joining again (another meeting, or the same one after media:restart) replaces the old peer.
  await leaveMeeting(deps, socket);

  const { routerRtpCapabilities } = await deps.sfu.request('room:open', { roomId: meetingId });
  const peerId = randomBytes(9).toString('base64url');
  await deps.sfu.request('peer:open', { roomId: meetingId, peerId, userId: user.id });
  const self: PeerInfo = { peerId, userId: user.id, displayName: user.displayName, role, unit, micOn: false, camOn: false };
  try {
    // In the room before reading the list: a peer joining meanwhile is then either in the list
    // or announced to us by peer:joined (possibly both; clients apply events as upserts).
    await socket.join([rooms.meeting(meetingId), rooms.peer(peerId)]);
    const peers = await deps.presence.list(meetingId);
    await deps.presence.put(meetingId, deps.nodeId, self);
    const joined = { meetingId, peerId, role, self, producers: new Map() };
    socket.data.joined = joined;
    for (const hooks of deps.meetingHooks) await hooks.afterJoin(socket, joined);
    socket.to(rooms.meeting(meetingId)).emit('peer:joined', self);
    return { self, peers, routerRtpCapabilities };
  } catch (error) {
    if (socket.data.joined?.peerId === peerId) {
      for (const hooks of deps.meetingHooks) hooks.afterLeave(socket, socket.data.joined);
      socket.data.joined = null;
    }
    socket.leave(rooms.meeting(meetingId));
    socket.leave(rooms.peer(peerId));
    await deps.presence.remove(meetingId, peerId).catch(() => undefined);
    await closeSfuPeer(deps, meetingId, peerId);
    throw error;
  }
}

/**
 * Leaves the current meeting, if any: presence removed, others told, SFU peer closed. When the
 * whole room leaves at once (the meeting ended) `announce: false` spares everyone a peer:left per
 * other participant: they are leaving too.
 */
export async function leaveMeeting(deps: LeaveDeps, socket: SignalingSocket, { announce = true } = {}): Promise<void> {
  const joined = socket.data.joined;
  if (!joined) return;
  socket.data.joined = null;
  const { meetingId, peerId } = joined;
  socket.leave(rooms.meeting(meetingId));
  socket.leave(rooms.peer(peerId));
  for (const hooks of deps.meetingHooks) hooks.afterLeave(socket, joined);
  // Redis away (it fails fast): the peer still leaves the room and the SFU now; its presence entry
  // goes as soon as Redis is back, so no ghost is left either way.
  await runNowOrWhenStored(() => deps.presence.remove(meetingId, peerId), deps.logger, "removing a peer's presence");
  if (announce) deps.io.to(rooms.meeting(meetingId)).emit('peer:left', { peerId });
  await closeSfuPeer(deps, meetingId, peerId);
}

/** Best effort: if the SFU is unreachable its peers are gone (or will be) anyway. */
async function closeSfuPeer(deps: Pick<RealtimeDeps, 'sfu' | 'logger'>, roomId: string, peerId: string): Promise<void> {
  try {
    await deps.sfu.request('peer:close', { roomId, peerId });
  } catch (error) {
    deps.logger.warn({ err: error, roomId, peerId }, 'could not close the SFU peer');
  }
}
