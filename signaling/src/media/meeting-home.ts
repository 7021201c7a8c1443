import type { UnitRepository } from '../accounts/unit-repository.js';
import type { UserRepository } from '../accounts/user-repository.js';
import type { MeetingRepository } from '../meetings/meeting-repository.js';
import { unitAndAncestors } from './placement-rule.js';

/**
 * A meeting's home for media placement: its chair's unit (or its organiser's, for a meeting
 * without a chair) and that unit's ancestors, nearest first. Empty when neither is known.
 */
export function meetingHomeUnits(meetings: MeetingRepository, users: UserRepository, units: UnitRepository) {
  return async (meetingId: string): Promise<string[]> => {
    const meeting = await meetings.get(meetingId);
    const homeUserId = meeting?.members.find((member) => member.role === 'chair')?.userId ?? meeting?.organizerId;
    const home = homeUserId ? await users.get(homeUserId) : null;
    if (!home) return [];
    const parents = new Map((await units.listAll()).map((unit) => [unit.id, unit.parentId]));
    return unitAndAncestors(home.unitId, (unitId) => parents.get(unitId));
  };
}

/** A user's unit and its ancestors, nearest first (where their peers' media goes, SFU_PEER_PLACEMENT=unit). Empty for an unknown user. */
export function userUnitChain(users: UserRepository, units: UnitRepository) {
  return async (userId: string): Promise<string[]> => {
    const user = await users.get(userId);
    if (!user) return [];
    const parents = new Map((await units.listAll()).map((unit) => [unit.id, unit.parentId]));
    return unitAndAncestors(user.unitId, (unitId) => parents.get(unitId));
  };
}
