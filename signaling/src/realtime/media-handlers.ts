import { RequestError, type MediaSource, type TransportDirection, type TransportOptions } from '@ehop/protocol';
import { canPublishMedia, requireMembership } from '../meetings/meeting-access.js';
import { rooms } from '../redis/keys.js';
import type { ClientRequestHandlers } from './bind-requests.js';
import { requireJoinedMember, requireMediaOpen } from './joined-member.js';
import { kindOfSource, mediaFlags } from './media-flags.js';
import type { RealtimeDeps } from './realtime-deps.js';
import type { JoinedMeeting, SignalingSocket } from './socket-types.js';

type MediaHandlers = Pick<ClientRequestHandlers, Exclude<Extract<keyof ClientRequestHandlers, `media:${string}`>, 'media:join'>>;

/**
 * Media negotiation relayed to the SFU for the socket's current peer. The room and peer ids
 * come from the server-side join, never from the client, so nobody can act on another peer.
 * Each needs the socket's SFU peer open (`meeting:join` with media, or `media:join`).
 */
export function mediaHandlers(deps: RealtimeDeps, socket: SignalingSocket): MediaHandlers {
  const { sfu } = deps;
  const scopeOf = (joined: JoinedMeeting) => ({ roomId: joined.meetingId, peerId: joined.peerId });
  // Membership and role as they are now (someone removed gets no more media), and an open SFU peer.
  const requireJoined = async () => requireMediaOpen(await requireJoinedMember(deps.meetings, socket));

  return {
    // Before joining: only a member learns anything of the meeting's media (nothing is opened).
    'media:capabilities': async ({ meetingId }) => {
      const { user } = socket.data;
      await requireMembership(deps.meetings, meetingId, user.id, { isAdmin: user.isAdmin });
      return sfu.request('room:capabilities', { roomId: meetingId });
    },

    'media:createTransport': async ({ direction }) => createPeerTransport(deps, socket, await requireJoined(), direction),

    'media:connectTransport': async ({ transportId, dtlsParameters }) => {
      const joined = await requireJoined();
      return sfu.request('transport:connect', { ...scopeOf(joined), transportId, dtlsParameters });
    },

    'media:restartIce': async ({ transportId }) => {
      const joined = await requireJoined();
      return sfu.request('transport:restartIce', { ...scopeOf(joined), transportId });
    },

    'media:ready': async ({ rtpCapabilities }) => {
      const joined = await requireJoined();
      return sfu.request('peer:setRtpCapabilities', { ...scopeOf(joined), rtpCapabilities });
    },

    'media:produce': async ({ transportId, kind, rtpParameters, source, paused }) => {
      const joined = await requireJoined();
      requirePublisher(joined);
      requireKindMatchesSource(kind, source);
      const created = await sfu.request('producer:create', {
        ...scopeOf(joined),
        transportId,
        kind,
        rtpParameters,
        source,
        paused,
      });
      // The SFU decides: a microphone without the floor starts paused whatever the client asked.
      const decided = created.paused ?? paused;
      joined.producers.set(created.producerId, { source, paused: decided });
      await publishMediaFlags(deps, socket, joined);
      // The client shows what the SFU decided, so its mute button and what the others hear agree.
      return { producerId: created.producerId, paused: decided };
    },

    'media:pauseProducer': async ({ producerId }) => {
      const joined = await requireJoined();
      const producer = requireOwnProducer(joined, producerId);
      await sfu.request('producer:pause', { ...scopeOf(joined), producerId });
      producer.paused = true;
      await publishMediaFlags(deps, socket, joined);
      return {};
    },

    'media:resumeProducer': async ({ producerId }) => {
      const joined = await requireJoined();
      requirePublisher(joined);
      const producer = requireOwnProducer(joined, producerId);
      await sfu.request('producer:resume', { ...scopeOf(joined), producerId });
      producer.paused = false;
      await publishMediaFlags(deps, socket, joined);
      return {};
    },

    'media:closeProducer': async ({ producerId }) => {
      const joined = await requireJoined();
      requireOwnProducer(joined, producerId);
      await sfu.request('producer:close', { ...scopeOf(joined), producerId });
      joined.producers.delete(producerId);
      await publishMediaFlags(deps, socket, joined);
      return {};
    },

    'media:resumeConsumer': async ({ consumerId }) => {
      const joined = await requireJoined();
      return sfu.request('consumer:resume', { ...scopeOf(joined), consumerId });
    },
  };
}

function requirePublisher(joined: JoinedMeeting): void {
  if (!canPublishMedia(joined.role)) throw new RequestError('forbidden', 'Observers cannot send audio or video');
}

function requireOwnProducer(joined: JoinedMeeting, producerId: string) {
  const producer = joined.producers.get(producerId);
  if (!producer) throw new RequestError('not_found', 'No such producer of yours');
  return producer;
}

function requireKindMatchesSource(kind: string, source: MediaSource): void {
  if (kind !== kindOfSource(source)) {
    throw new RequestError('invalid_payload', `A ${source} track must be ${kindOfSource(source)}, not ${kind}`);
  }
}

/** Updates micOn/camOn in presence and tells the meeting, when they changed. */
export async function publishMediaFlags(deps: RealtimeDeps, socket: SignalingSocket, joined: JoinedMeeting): Promise<void> {
  // The peer may have left while the SFU answered: never resurrect its presence entry.
  if (socket.data.joined !== joined) return;
  const flags = mediaFlags(joined.producers.values());
  if (flags.micOn === joined.self.micOn && flags.camOn === joined.self.camOn) return;
  joined.self = { ...joined.self, ...flags };
  await deps.presence.put(joined.meetingId, deps.nodeId, joined.self);
  deps.io.to(rooms.meeting(joined.meetingId)).emit('peer:updated', joined.self);
}

/** A WebRTC transport of the socket's SFU peer, with the TURN servers (and credentials) this user may use. */
export async function createPeerTransport(
  deps: Pick<RealtimeDeps, 'sfu' | 'iceServers'>,
  socket: SignalingSocket,
  joined: JoinedMeeting,
  direction: TransportDirection,
): Promise<TransportOptions> {
  const transport = await deps.sfu.request('transport:create', { roomId: joined.meetingId, peerId: joined.peerId, direction });
  return { ...transport, iceServers: deps.iceServers(socket.data.user.id) };
}
