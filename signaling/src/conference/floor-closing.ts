import type { ConferenceRepository } from './conference-repository.js';
import { closeFloor, isFloorClosed } from './floor-state.js';

/**
 * Closes the floor of a meeting that ended: the running turn goes into the speakers log in the
 * same atomic step (conference-repository), the queue empties. Nobody is told: the participants
 * are leaving (they hear that the meeting ended). Idempotent: a closed floor is left as it is.
 */
export async function closeFloorOfEndedMeeting(conferences: ConferenceRepository, meetingId: string, now = () => new Date()): Promise<void> {
  if (isFloorClosed(await conferences.get(meetingId))) return;
  await conferences.update(meetingId, (record) => (isFloorClosed(record) ? { record } : closeFloor(record, now())));
}
