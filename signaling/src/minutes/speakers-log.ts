import type { FloorLogEntry, FloorRequestKind } from '@ehop/protocol';
import type { ConferenceRepository } from '../conference/conference-repository.js';

/**
 * One turn to speak, as the minutes need it: the fields of floor control's log entry the
 * minutes use, so floor control can add more without touching the minutes.
 */
export type SpokenTurn = Pick<FloorLogEntry, 'userId' | 'displayName' | 'unitName' | 'agendaItemId' | 'grantedAt' | 'durationSec'> & {
  kind?: FloorRequestKind;
};

/** Where the minutes read who spoke. */
export interface SpeakersLog {
  /** Every finished turn of the meeting, oldest first. */
  turns(meetingId: string): Promise<SpokenTurn[]>;
}

/**
 * The speakers log of floor control (conference/): the list `meeting:<id>:floor-log` its
 * repository appends to in the same step as each change of the floor, read (and checked against
 * the protocol's FloorLogEntry, damaged lines skipped) by that repository.
 */
export function floorControlSpeakersLog(conferences: Pick<ConferenceRepository, 'log'>): SpeakersLog {
  return {
    async turns(meetingId) {
      const entries = await conferences.log(meetingId);
      return entries.map(({ userId, displayName, unitName, agendaItemId, grantedAt, durationSec, kind }) => ({
        userId,
        displayName,
        unitName,
        agendaItemId,
        grantedAt,
        durationSec,
        kind,
      }));
    },
  };
}
