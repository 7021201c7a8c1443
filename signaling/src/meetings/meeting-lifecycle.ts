import { RequestError, type MeetingRole, type MeetingStatus } from '@ehop/protocol';
import { canSeeMeeting } from './meeting-access.js';
import { roleOf, type StoredMeeting } from './meeting-repository.js';

/** The only way forward: draft -> published -> in_progress -> ended. Nothing goes back. */
const NEXT_STATUS: Record<MeetingStatus, MeetingStatus | null> = {
  draft: 'published',
  published: 'in_progress',
  in_progress: 'ended',
  ended: null,
};

export interface TransitionActor {
  /** The caller's role in the meeting, null when they are not a member. */
  role: MeetingRole | null;
  isAdmin: boolean;
}

/**
 * Who moves a meeting to each status:
 * - published: an administrator (the office that organises it) or its chair;
 * - in_progress: its chair ("the chair opens the meeting");
 * - ended: its chair, or an administrator closing a meeting its chair left running.
 */
export function mayMoveTo(target: MeetingStatus, actor: TransitionActor): boolean {
  switch (target) {
    case 'draft':
      return false;
    case 'published':
      return actor.isAdmin || actor.role === 'chair';
    case 'in_progress':
      return actor.role === 'chair';
    case 'ended':
      return actor.isAdmin || actor.role === 'chair';
  }
}

export function isAllowedTransition(from: MeetingStatus, to: MeetingStatus): boolean {
  return NEXT_STATUS[from] === to;
}

/** Who asks to change the status: a member who can see the meeting, or an administrator. */
export function requireStatusActor(meeting: StoredMeeting, user: { id: string; isAdmin: boolean }): TransitionActor {
  const role = roleOf(meeting, user.id);
  if (!user.isAdmin && (!role || !canSeeMeeting(meeting, user.id, user.isAdmin))) {
    throw new RequestError('forbidden', 'You are not invited to this meeting');
  }
  return { role, isAdmin: user.isAdmin };
}

/**
 * Refuses a status change: `forbidden` for the wrong person (checked first, so a delegate learns
 * nothing), `meeting_ended` once it is over, `conflict` for a step out of order.
 */
export function requireTransition(from: MeetingStatus, to: MeetingStatus, actor: TransitionActor): void {
  if (!mayMoveTo(to, actor)) throw new RequestError('forbidden', `You cannot move this meeting to ${to}`);
  if (from === 'ended') throw new RequestError('meeting_ended', 'This meeting has ended');
  if (!isAllowedTransition(from, to)) {
    throw new RequestError('conflict', `A meeting cannot go from ${from} to ${to}`);
  }
}

/** Someone has to open the meeting: a meeting is published only with a chair. */
export function requireReadyToPublish(members: readonly { role: MeetingRole }[]): void {
  if (!members.some((member) => member.role === 'chair')) {
    throw new RequestError('conflict', 'Choose a chair before publishing the meeting');
  }
}
