import { DEFAULT_QUORUM, type AttendanceEntry, type CheckInRequest, type QuorumRule } from '@ehop/protocol';
import type { AppError } from '../errors.js';
import { toAppError } from '../errors.js';
import { onServerEvent, request } from '../socket.js';

export type CheckIn = Omit<CheckInRequest, 'meetingId'>;

/**
 * Attendance as this browser sees it: everyone's entries for the chair and the secretary, one's
 * own for the others (the server decides). Of two entries for a person the higher version wins,
 * so broadcasts and answers can arrive in any order.
 */
export class AttendanceState {
  entries = $state.raw<ReadonlyMap<string, AttendanceEntry>>(new Map());
  quorum = $state.raw<QuorumRule>(DEFAULT_QUORUM);
  loaded = $state(false);
  /** The user whose check-in is on its way (buttons for them wait). */
  pending = $state<string | null>(null);

  constructor(
    private readonly meetingId: string,
    private readonly onError: (error: AppError) => void,
  ) {}

  subscribe(): () => void {
    return onServerEvent('attendance:changed', ({ meetingId, entry }) => {
      if (meetingId === this.meetingId) this.accept([entry]);
    });
  }

  async load(): Promise<void> {
    const snapshot = await request('attendance:get', { meetingId: this.meetingId });
    this.quorum = snapshot.quorum;
    this.accept(snapshot.entries);
    this.loaded = true;
  }

  async checkIn(checkIn: CheckIn, userId: string): Promise<boolean> {
    if (this.pending) return false;
    this.pending = userId;
    try {
      this.accept([await request('attendance:checkIn', { meetingId: this.meetingId, ...checkIn })]);
      return true;
    } catch (error) {
      this.onError(toAppError(error));
      return false;
    } finally {
      this.pending = null;
    }
  }

  private accept(entries: readonly AttendanceEntry[]): void {
    const next = new Map(this.entries);
    for (const entry of entries) {
      const known = next.get(entry.userId);
      if (!known || entry.version > known.version) next.set(entry.userId, entry);
    }
    this.entries = next;
  }
}
