import type { ConferenceState, MediaPolicy, UnitGroup, Unit } from '@ehop/protocol';
import { mainUserId, speakerUserIds, type ConferenceRecord } from './floor-state.js';

const UPCOMING_SPEAKERS = 2;

/** What the SFU must enforce for this record: whose microphones may be on, whose camera is main. */
export function mediaPolicyOf(record: ConferenceRecord, chairUserIds: readonly string[]): MediaPolicy {
  const speakers = speakerUserIds(record, chairUserIds);
  return {
    version: record.version,
    speakers: speakers === null ? { mode: 'everyone' } : { mode: 'listed', userIds: speakers },
    main: { userId: mainUserId(record, chairUserIds), followActiveSpeaker: record.mainScreen.mode === 'active_speaker' },
    floorHolderUserId: record.holder?.userId ?? null,
    // The chair usually gives the floor to the head of the queue: have their camera and microphone ready.
    upcomingUserIds: record.queue.slice(0, UPCOMING_SPEAKERS).map((request) => request.userId),
  };
}

/** What every participant sees of the record (the queue itself is for the chair and secretary). */
export function publicStateOf(record: ConferenceRecord, chairUserIds: readonly string[], now: Date): ConferenceState {
  return {
    version: record.version,
    mode: record.mode,
    holder: record.holder,
    mainScreen: record.mainScreen,
    mainUserId: mainUserId(record, chairUserIds),
    speakerUserIds: speakerUserIds(record, chairUserIds),
    queueLength: record.queue.length,
    serverTime: now.toISOString(),
  };
}

/**
 * The groups thumbnails are sorted and filtered by: each district, and the province for its own
 * endpoints. A commune belongs to its district; `units` must contain the parents of communes.
 */
export function unitGroupsOf(memberUnits: readonly Unit[], units: ReadonlyMap<string, Unit>): UnitGroup[] {
  const groups = new Map<string, UnitGroup>();
  for (const unit of memberUnits) {
    const group = unit.level === 'commune' && unit.parentId ? units.get(unit.parentId) : unit;
    if (!group || group.level === 'commune') continue;
    groups.set(group.id, { id: group.id, name: group.name, level: group.level });
  }
  const levelRank = (group: UnitGroup) => (group.level === 'province' ? 0 : 1);
  return [...groups.values()].sort((a, b) => levelRank(a) - levelRank(b) || a.name.localeCompare(b.name, 'vi'));
}
