import { randomBytes } from 'node:crypto';
import { RequestError, type ClientResponse, type PeerInfo, type RtpCapabilities, type TransportOptions } from '@ehop/protocol';
import { requireMembership, requireNotEnded } from '../meetings/meeting-access.js';
import { rooms } from '../redis/keys.js';
import type { ClientRequestHandlers } from './bind-requests.js';
import { createPeerTransport, publishMediaFlags } from './media-handlers.js';
import type { RealtimeDeps } from './realtime-deps.js';
import type { JoinedMeeting, SignalingSocket } from './socket-types.js';
import { runNowOrWhenStored } from '../redis/retry-while-down.js';

type MeetingHandlers = Pick<ClientRequestHandlers, 'meeting:join' | 'meeting:leave' | 'media:join'>;
/** What leaving a meeting touches. */
export type LeaveDeps = Pick<RealtimeDeps, 'io' | 'presence' | 'sfu' | 'meetingHooks' | 'logger' | 'userPeers'>;

export function meetingHandlers(deps: RealtimeDeps, socket: SignalingSocket): MeetingHandlers {
  const queue = socket.data.membershipQueue;
  return {
    'meeting:join': ({ meetingId, media }) => queue.run(() => joinMeeting(deps, socket, meetingId, media)),
    'meeting:leave': () =>
      queue.run(async () => {
        await leaveMeeting(deps, socket);
        return {};
      }),
    'media:join': ({ transports }) => queue.run(() => reopenMedia(deps, socket, transports ?? false)),
  };
}

/**
 * Enters a meeting: membership checked in Redis first (nothing is written for an outsider), then
 * the user's count of peers, then, with media, the SFU room and peer (so an SFU failure leaves
 * nothing behind), then the rooms, presence and the broadcast to the others.
 */
async function joinMeeting(
  deps: RealtimeDeps,
  socket: SignalingSocket,
  meetingId: string,
  withMedia: boolean,
): Promise<ClientResponse<'meeting:join'>> {
  if (deps.isShuttingDown()) throw new RequestError('media_unavailable', 'This server is restarting, please try again');
  const { user } = socket.data;
  const { meeting, role } = await requireMembership(deps.meetings, meetingId, user.id, { isAdmin: user.isAdmin });
  requireNotEnded(meeting);
  const unit = await deps.units.get(user.unitId);
  if (!unit) throw new Error(`unit ${user.unitId} of user ${user.id} is missing`);

  // Joining again (another meeting, or the same one after a lost connection) replaces the old peer.
  await leaveMeeting(deps, socket);

  const peerId = randomBytes(9).toString('base64url');
  await deps.userPeers.claim(user.id, peerId, deps.nodeId);
  const routerRtpCapabilities = withMedia
    ? await openSfuPeer(deps, meetingId, peerId, user.id).catch(async (error: unknown) => {
        await deps.userPeers.release(user.id, peerId).catch(() => undefined);
        throw error;
      })
    : null;
  const self: PeerInfo = { peerId, userId: user.id, displayName: user.displayName, role, unit, micOn: false, camOn: false };
  try {
    // In the room before reading the list: a peer joining meanwhile is then either in the list
    // or announced to us by peer:joined (possibly both; clients apply events as upserts).
    await socket.join([rooms.meeting(meetingId), rooms.peer(peerId)]);
    const peers = await deps.presence.list(meetingId);
    await deps.presence.put(meetingId, deps.nodeId, self);
    const joined: JoinedMeeting = { meetingId, peerId, mediaOpen: withMedia, role, self, producers: new Map() };
    socket.data.joined = joined;
    for (const hooks of deps.meetingHooks) await hooks.afterJoin(socket, joined);
    if (withMedia) for (const hooks of deps.meetingHooks) await hooks.afterMediaOpen(socket, joined);
    socket.to(rooms.meeting(meetingId)).emit('peer:joined', self);
    return { self, peers, routerRtpCapabilities };
  } catch (error) {
    await undoJoin(deps, socket, meetingId, peerId, withMedia);
    throw error;
  }
}

/**
 * Opens (again) the SFU peer of the meeting this socket is in, under the same peer id, so the
 * others keep its tile and only its tracks change. A previous SFU peer is closed first: it must
 * be gone, not merely asked to go, or the SFU would hand back the old one.
 */
async function reopenMedia(deps: RealtimeDeps, socket: SignalingSocket, withTransports: boolean): Promise<ClientResponse<'media:join'>> {
  const joined = socket.data.joined;
  if (!joined) throw new RequestError('not_in_meeting', 'Join a meeting first');
  if (deps.isShuttingDown()) throw new RequestError('media_unavailable', 'This server is restarting, please try again');
  const { meetingId, peerId } = joined;
  if (joined.mediaOpen) {
    await deps.sfu.request('peer:close', { roomId: meetingId, peerId });
    joined.mediaOpen = false;
    // Its producers went with the old SFU peer: the others' tiles show the microphone and camera off.
    joined.producers.clear();
    await publishMediaFlags(deps, socket, joined);
  }
  const routerRtpCapabilities = await openSfuPeer(deps, meetingId, peerId, joined.self.userId);
  joined.mediaOpen = true;
  // The hooks (the floor rules reach the SFU room) and the transports at once: nothing can be
  // published before this answer, which waits for both.
  const [, transports] = await Promise.all([afterMediaOpen(deps, socket, joined), withTransports ? createTransports(deps, socket, joined) : undefined]);
  return { routerRtpCapabilities, ...(transports ? { transports } : {}) };
}

async function afterMediaOpen(deps: RealtimeDeps, socket: SignalingSocket, joined: JoinedMeeting): Promise<void> {
  for (const hooks of deps.meetingHooks) await hooks.afterMediaOpen(socket, joined);
}

async function createTransports(deps: RealtimeDeps, socket: SignalingSocket, joined: JoinedMeeting): Promise<{ send: TransportOptions; recv: TransportOptions }> {
  const [send, recv] = await Promise.all([createPeerTransport(deps, socket, joined, 'send'), createPeerTransport(deps, socket, joined, 'recv')]);
  return { send, recv };
}

/** The meeting's SFU room (opened if needed) and this peer in it; resolves to the router's capabilities. */
async function openSfuPeer(deps: RealtimeDeps, roomId: string, peerId: string, userId: string): Promise<RtpCapabilities> {
  const { routerRtpCapabilities } = await deps.sfu.request('room:open', { roomId });
  await deps.sfu.request('peer:open', { roomId, peerId, userId });
  return routerRtpCapabilities;
}

/** After a join failed half way: nothing of it stays (rooms, presence, the SFU peer, the user's count). */
async function undoJoin(deps: RealtimeDeps, socket: SignalingSocket, meetingId: string, peerId: string, withMedia: boolean): Promise<void> {
  if (socket.data.joined?.peerId === peerId) {
    for (const hooks of deps.meetingHooks) hooks.afterLeave(socket, socket.data.joined);
    socket.data.joined = null;
  }
  socket.leave(rooms.meeting(meetingId));
  socket.leave(rooms.peer(peerId));
  await deps.presence.remove(meetingId, peerId).catch(() => undefined);
  if (withMedia) await closeSfuPeer(deps, meetingId, peerId);
  await deps.userPeers.release(socket.data.user.id, peerId).catch(() => undefined);
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
  if (joined.mediaOpen) await closeSfuPeer(deps, meetingId, peerId);
  await deps.userPeers.release(socket.data.user.id, peerId);
}

/** Best effort: if the SFU is unreachable its peers are gone (or will be) anyway. */
async function closeSfuPeer(deps: Pick<RealtimeDeps, 'sfu' | 'logger'>, roomId: string, peerId: string): Promise<void> {
  try {
    await deps.sfu.request('peer:close', { roomId, peerId });
  } catch (error) {
    deps.logger.warn({ err: error, roomId, peerId }, 'could not close the SFU peer');
  }
}
