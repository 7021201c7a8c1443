import { Id, type MeetingRole } from '@ehop/protocol';
import { z } from 'zod';
import { canPublishMedia, canSeeMeeting, isMeetingStaff } from '../meetings/meeting-access.js';
import { roleOf, type StoredMeeting } from '../meetings/meeting-repository.js';
import { rooms } from '../redis/keys.js';
import { mediaFlags } from './media-flags.js';
import { leaveMeeting } from './meeting-handlers.js';
import type { RealtimeDeps } from './realtime-deps.js';
import type { JoinedMeeting, SignalingSocket } from './socket-types.js';

/** Between signaling nodes (the Redis adapter's server-side events): look at these users' sockets in this meeting. */
export const MEMBERS_CHANGED = 'meeting:membersChanged';
const MembersChanged = z.tuple([Id, z.array(Id).max(2000)]);

export interface MembershipSync {
  /** After an administrator saved `next` over `previous`: every socket concerned, on every node, follows at once. */
  membersChanged(previous: StoredMeeting, next: StoredMeeting): Promise<void>;
}

/**
 * Makes role and membership changes reach sockets that are already open. A removed member's
 * sockets leave the meeting's media (SFU peer closed, the others told) and its rooms, so they
 * hear nothing more of it; a member whose role changed keeps their place, with the new role in
 * presence and in what the features' hooks decide (the chair's rooms, the SFU's floor rules).
 * Every request also re-reads the role from Redis (joined-member.ts): this is what stops the
 * events and the media that arrive without asking.
 */
export function membershipSync(deps: RealtimeDeps, { otherNodes }: { otherNodes: boolean }): MembershipSync {
  deps.io.on(MEMBERS_CHANGED, (...args: unknown[]) => {
    const parsed = MembersChanged.safeParse(args);
    if (!parsed.success) return deps.logger.warn({ issues: parsed.error.issues }, 'dropped a malformed membership change');
    void bringInLine(deps, ...parsed.data);
  });
  return {
    async membersChanged(previous, next) {
      const changed = changedRoles(previous, next);
      if (changed.size === 0) return;
      for (const [userId, role] of changed) deps.io.to(rooms.user(userId)).emit('meeting:membershipChanged', { meetingId: next.id, role });
      const userIds = [...changed.keys()];
      // Alone (no Redis adapter) there is nobody to tell, and socket.io would warn.
      if (otherNodes) deps.io.serverSideEmit(MEMBERS_CHANGED, next.id, userIds);
      await bringInLine(deps, next.id, userIds);
      for (const hooks of deps.meetingHooks) await hooks.membersChanged(next.id);
    },
  };
}

/** The users whose role differs, with the new one (null: no longer a member). */
export function changedRoles(previous: StoredMeeting, next: StoredMeeting): Map<string, MeetingRole | null> {
  const changed = new Map<string, MeetingRole | null>();
  for (const { userId } of [...previous.members, ...next.members]) {
    const role = roleOf(next, userId);
    if (roleOf(previous, userId) !== role) changed.set(userId, role);
  }
  return changed;
}

/** This node's sockets of `userIds`, each after whatever join or leave it is doing. */
async function bringInLine(deps: RealtimeDeps, meetingId: string, userIds: string[]): Promise<void> {
  const concerned = new Set(userIds);
  const meeting = await deps.meetings.get(meetingId);
  const sockets = [...deps.io.of('/').sockets.values()].filter((socket) => concerned.has(socket.data.user.id));
  await Promise.all(
    sockets.map((socket) =>
      socket.data.membershipQueue
        .run(() => bringSocketInLine(deps, socket, meetingId, meeting))
        .catch((error: unknown) => deps.logger.error({ err: error, meetingId, socketId: socket.id }, 'could not apply a membership change')),
    ),
  );
}

async function bringSocketInLine(deps: RealtimeDeps, socket: SignalingSocket, meetingId: string, meeting: StoredMeeting | null): Promise<void> {
  const { user, joined } = socket.data;
  const role = meeting && canSeeMeeting(meeting, user.id, user.isAdmin) ? roleOf(meeting, user.id) : null;
  if (!role || !isMeetingStaff(role)) socket.leave(rooms.attendanceWatchers(meetingId));
  if (!role) {
    socket.leave(rooms.documents(meetingId));
    if (joined?.meetingId === meetingId) await leaveMeeting(deps, socket);
    return;
  }
  if (joined?.meetingId === meetingId && joined.role !== role) await changeRole(deps, socket, joined, role);
}

/** The peer stays, with its new role; an observer's tracks stop (observers do not publish). */
async function changeRole(deps: RealtimeDeps, socket: SignalingSocket, joined: JoinedMeeting, role: MeetingRole): Promise<void> {
  const previous = joined.role;
  joined.role = role;
  if (!canPublishMedia(role)) await closeProducers(deps, joined);
  joined.self = { ...joined.self, role, ...mediaFlags(joined.producers.values()) };
  await deps.presence.put(joined.meetingId, deps.nodeId, joined.self);
  deps.io.to(rooms.meeting(joined.meetingId)).emit('peer:updated', joined.self);
  for (const hooks of deps.meetingHooks) await hooks.afterRoleChange(socket, joined, previous);
}

async function closeProducers(deps: RealtimeDeps, joined: JoinedMeeting): Promise<void> {
  for (const producerId of joined.producers.keys()) {
    await deps.sfu
      .request('producer:close', { roomId: joined.meetingId, peerId: joined.peerId, producerId })
      .catch((error: unknown) => deps.logger.warn({ err: error, producerId }, 'could not close an observer\'s track'));
  }
  joined.producers.clear();
}
