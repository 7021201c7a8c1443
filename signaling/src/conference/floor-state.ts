import {
  FloorHolder,
  FloorMode,
  FloorRequest,
  MainScreenSelection,
  RequestError,
  type FloorLogEntry,
  type FloorRequestKind,
  type MyFloorRequest,
  type Unit,
} from '@ehop/protocol';
import { z } from 'zod';

/*
 * The floor of one meeting as a pure state machine: every operation takes the record and returns
 * the next one (version + 1), plus a log entry when a turn to speak ended. No I/O here, so the
 * rules can be read and tested on their own; the repository stores it, the service applies it.
 */

export const ConferenceRecord = z.object({
  version: z.number().int().min(0),
  mode: FloorMode,
  /** Points of order first (in the order they came), then requests to speak (in order). */
  queue: z.array(FloorRequest),
  holder: FloorHolder.nullable(),
  mainScreen: MainScreenSelection,
  /** What the main screen showed before a grant switched it to the speaker; restored on release. */
  mainScreenBeforeGrant: MainScreenSelection.nullable(),
});
export type ConferenceRecord = z.infer<typeof ConferenceRecord>;

/** A meeting starts under floor control, with the chair (or the speaker) on the main screen. */
export function initialRecord(): ConferenceRecord {
  return { version: 0, mode: 'floor', queue: [], holder: null, mainScreen: { mode: 'floor' }, mainScreenBeforeGrant: null };
}

/** More requests than this in one queue is a bug or an attack, not a meeting. */
export const MAX_QUEUE_LENGTH = 500;

export interface Person {
  userId: string;
  displayName: string;
  unit: Unit;
}

export interface Transition {
  record: ConferenceRecord;
  /** A finished turn to speak, for the minutes. */
  log?: FloorLogEntry;
}

function next(record: ConferenceRecord, changes: Partial<ConferenceRecord>): ConferenceRecord {
  return { ...record, ...changes, version: record.version + 1 };
}

/** Asks to speak, or changes one's request (e.g. into a point of order, which moves it to the front). */
export function requestFloor(
  record: ConferenceRecord,
  requester: Person,
  kind: FloorRequestKind,
  agendaItemId: string | null,
  now: Date,
): Transition {
  if (record.holder?.userId === requester.userId) throw new RequestError('conflict', 'You already have the floor');
  const existing = record.queue.find((request) => request.userId === requester.userId);
  if (!existing && record.queue.length >= MAX_QUEUE_LENGTH) throw new RequestError('conflict', 'The queue is full');
  const request: FloorRequest = {
    ...requester,
    kind,
    agendaItemId,
    // Changing one's request keeps one's time of asking: nobody loses their place by correcting it.
    requestedAt: existing?.requestedAt ?? now.toISOString(),
  };
  const others = record.queue.filter((entry) => entry.userId !== requester.userId);
  return { record: next(record, { queue: ordered([...others, request]) }) };
}

/** Points of order first; within each kind, whoever asked first. */
function ordered(queue: FloorRequest[]): FloorRequest[] {
  const rank = (request: FloorRequest) => (request.kind === 'point_of_order' ? 0 : 1);
  return [...queue].sort((a, b) => rank(a) - rank(b) || a.requestedAt.localeCompare(b.requestedAt));
}

export function withdrawRequest(record: ConferenceRecord, userId: string): Transition {
  if (!record.queue.some((request) => request.userId === userId)) throw new RequestError('not_found', 'No request to withdraw');
  return { record: next(record, { queue: record.queue.filter((request) => request.userId !== userId) }) };
}

/**
 * Gives the floor to `grantee`. A current holder's turn ends (logged); the grantee's request, if
 * any, leaves the queue and tells what they asked about; the main screen switches to the speaker.
 */
export function grantFloor(record: ConferenceRecord, grantee: Person, speakingTimeSec: number | null, now: Date): Transition {
  const log = record.holder ? finishedTurn(record.holder, now, 'next_speaker') : undefined;
  const request = record.queue.find((entry) => entry.userId === grantee.userId);
  const holder: FloorHolder = {
    ...grantee,
    kind: request?.kind ?? 'speak',
    agendaItemId: request?.agendaItemId ?? null,
    grantedAt: now.toISOString(),
    speakingTimeSec,
    endsAt: speakingTimeSec === null ? null : new Date(now.getTime() + speakingTimeSec * 1000).toISOString(),
  };
  const switchesScreen = record.mainScreen.mode !== 'floor';
  return {
    record: next(record, {
      holder,
      queue: record.queue.filter((entry) => entry.userId !== grantee.userId),
      mainScreen: { mode: 'floor' },
      mainScreenBeforeGrant: switchesScreen ? record.mainScreen : record.mainScreenBeforeGrant,
    }),
    ...(log ? { log } : {}),
  };
}

/** Ends the current turn; the main screen goes back to what it showed before the grant. */
export function releaseFloor(record: ConferenceRecord, now: Date, endedBy: 'chair' | 'speaker'): Transition {
  if (!record.holder) throw new RequestError('conflict', 'Nobody has the floor');
  const restore = record.mainScreen.mode === 'floor' && record.mainScreenBeforeGrant !== null;
  return {
    record: next(record, {
      holder: null,
      mainScreen: restore ? record.mainScreenBeforeGrant! : record.mainScreen,
      mainScreenBeforeGrant: null,
    }),
    log: finishedTurn(record.holder, now, endedBy),
  };
}

/**
 * The meeting ended: the running turn ends (logged, so the minutes list its speaker), nobody is
 * waiting any more, and the main screen goes back to what it showed before the grant.
 */
export function closeFloor(record: ConferenceRecord, now: Date): Transition {
  const restore = record.holder !== null && record.mainScreen.mode === 'floor' && record.mainScreenBeforeGrant !== null;
  return {
    record: next(record, {
      holder: null,
      queue: [],
      mainScreen: restore ? record.mainScreenBeforeGrant! : record.mainScreen,
      mainScreenBeforeGrant: null,
    }),
    ...(record.holder ? { log: finishedTurn(record.holder, now, 'meeting_ended') } : {}),
  };
}

/** True when there is nothing for `closeFloor` to close. */
export function isFloorClosed(record: ConferenceRecord): boolean {
  return record.holder === null && record.queue.length === 0;
}

export function setMode(record: ConferenceRecord, mode: FloorMode): Transition {
  return { record: next(record, { mode }) };
}

/** The chair's own choice; it replaces whatever a grant would have restored. */
export function setMainScreen(record: ConferenceRecord, selection: MainScreenSelection): Transition {
  return { record: next(record, { mainScreen: selection, mainScreenBeforeGrant: null }) };
}

function finishedTurn(holder: FloorHolder, now: Date, endedBy: FloorLogEntry['endedBy']): FloorLogEntry {
  const grantedAt = new Date(holder.grantedAt);
  return {
    userId: holder.userId,
    displayName: holder.displayName,
    unitName: holder.unit.name,
    kind: holder.kind,
    agendaItemId: holder.agendaItemId,
    grantedAt: holder.grantedAt,
    releasedAt: now.toISOString(),
    durationSec: Math.max(0, Math.round((now.getTime() - grantedAt.getTime()) / 1000)),
    endedBy,
  };
}

// --- what follows from a record ---------------------------------------------------------------

/** The requester's place in the queue (1 = next), or null. */
export function myRequest(record: ConferenceRecord, userId: string): MyFloorRequest | null {
  const index = record.queue.findIndex((request) => request.userId === userId);
  if (index < 0) return null;
  const { kind, agendaItemId, requestedAt } = record.queue[index]!;
  return { position: index + 1, kind, agendaItemId, requestedAt };
}

/** Who may speak now: null in open discussion, otherwise the chairs and the floor holder. */
export function speakerUserIds(record: ConferenceRecord, chairUserIds: readonly string[]): string[] | null {
  if (record.mode === 'open') return null;
  return [...new Set([...chairUserIds, ...(record.holder ? [record.holder.userId] : [])])];
}

/** Whose camera the main screen shows; for the active speaker, the one shown until somebody speaks. */
export function mainUserId(record: ConferenceRecord, chairUserIds: readonly string[]): string | null {
  const chair = chairUserIds[0] ?? null;
  switch (record.mainScreen.mode) {
    case 'chair':
    case 'active_speaker':
      return chair;
    case 'floor':
      return record.holder?.userId ?? chair;
    case 'endpoint':
      return record.mainScreen.userId;
    case 'document':
      return null;
  }
}
