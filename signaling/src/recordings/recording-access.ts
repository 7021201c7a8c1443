import type { MeetingRole } from '@ehop/protocol';

/** Who starts and stops recording. */
export const RECORDING_CONTROLLERS: readonly MeetingRole[] = ['chair', 'secretary'];
/** Who lists and downloads a meeting's recordings. */
export const RECORDING_VIEWERS: readonly MeetingRole[] = ['chair', 'secretary', 'delegate'];

/**
 * The one rule for every path to a meeting's recordings: the recordings route and the archive's
 * dossier (its view and its ZIP) both ask it. `role` is the caller's role in the meeting, null
 * for someone who is not a member (administrators included): no recordings.
 */
export function mayAccessRecordings(role: MeetingRole | null): boolean {
  return role !== null && RECORDING_VIEWERS.includes(role);
}
