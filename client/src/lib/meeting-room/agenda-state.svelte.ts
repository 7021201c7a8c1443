import type { Agenda, AgendaEntry } from '@ehop/protocol';
import { AppError, toAppError } from '../errors.js';
import { notifications } from '../notifications.svelte.js';
import { onServerEvent, request } from '../socket.js';
import type { AgendaMove } from './agenda-moves.js';
import { clockOffsetMs } from './server-clock.js';

export type AgendaFields = Omit<AgendaEntry, 'id'>;

/**
 * The meeting's agenda in this browser: the newest version seen (from `agenda:get` or the
 * `agenda:changed` broadcasts, whichever is newer), the server clock offset, and the edits.
 * Edits send the version on screen; if someone changed the agenda meanwhile the server says
 * `conflict`, the agenda is reloaded and the user is told to look again.
 */
export class AgendaState {
  agenda = $state.raw<Agenda | null>(null);
  /** Server clock minus this device's clock, in ms. */
  clockOffsetMs = $state(0);
  /** An edit is on its way: edit controls wait, so edits never race each other. */
  busy = $state(false);

  constructor(
    private readonly meetingId: string,
    private readonly onError: (error: AppError) => void,
  ) {}

  /** Listens to broadcasts; returns the unsubscribe function. */
  subscribe(): () => void {
    return onServerEvent('agenda:changed', (agenda) => {
      if (agenda.meetingId === this.meetingId) this.accept(agenda);
    });
  }

  async load(): Promise<void> {
    const sentAt = Date.now();
    const { agenda, serverTime } = await request('agenda:get', { meetingId: this.meetingId });
    this.clockOffsetMs = clockOffsetMs(sentAt, serverTime, Date.now());
    this.accept(agenda);
  }

  reorder(move: AgendaMove): Promise<boolean> {
    return this.edit((version) => request('agenda:reorder', { meetingId: this.meetingId, version, ...move }));
  }

  add(parentId: string | null, fields: AgendaFields): Promise<boolean> {
    return this.edit((version) => request('agenda:addItem', { meetingId: this.meetingId, version, parentId, ...fields }));
  }

  update(itemId: string, fields: AgendaFields): Promise<boolean> {
    return this.edit((version) => request('agenda:updateItem', { meetingId: this.meetingId, version, itemId, ...fields }));
  }

  remove(itemId: string): Promise<boolean> {
    return this.edit((version) => request('agenda:removeItem', { meetingId: this.meetingId, version, itemId }));
  }

  setCurrent(itemId: string | null): Promise<boolean> {
    return this.edit(() => request('agenda:setCurrent', { meetingId: this.meetingId, itemId }));
  }

  /** Keeps whichever agenda is newer: a broadcast may overtake the answer to a request. */
  private accept(agenda: Agenda): void {
    if (!this.agenda || agenda.version >= this.agenda.version) this.agenda = agenda;
  }

  private async edit(send: (version: number) => Promise<Agenda>): Promise<boolean> {
    if (this.busy || !this.agenda) return false;
    this.busy = true;
    try {
      this.accept(await send(this.agenda.version));
      return true;
    } catch (error) {
      const appError = toAppError(error);
      if (appError.code === 'conflict') {
        notifications.info('agenda.changedMeanwhile');
        await this.load().catch(() => undefined);
      } else {
        this.onError(appError);
      }
      return false;
    } finally {
      this.busy = false;
    }
  }
}
