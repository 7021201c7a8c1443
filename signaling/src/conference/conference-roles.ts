import type { MeetingRole } from '@ehop/protocol';

/** Only the chair gives and takes the floor, mutes, and chooses the main screen. */
export function canControlFloor(role: MeetingRole): boolean {
  return role === 'chair';
}

/** The chair and the secretary see the queue, the speakers log and everyone's network quality. */
export function canSeeQueue(role: MeetingRole): boolean {
  return role === 'chair' || role === 'secretary';
}
