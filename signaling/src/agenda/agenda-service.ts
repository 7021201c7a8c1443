import { randomBytes } from 'node:crypto';
import { RequestError, type Agenda, type AgendaCurrent, type AgendaItem, type User } from '@ehop/protocol';
import { requireMembership, requireNotEnded, requireRole, type Membership } from '../meetings/meeting-access.js';
import type { MeetingRepository, StoredMeeting } from '../meetings/meeting-repository.js';
import type { AgendaRepository } from './agenda-repository.js';
import { locateEntry } from './agenda-tree.js';

/** Server-side updates (moving to an item) re-read and retry when they lose a race. */
const MAX_ATTEMPTS = 5;

export interface AgendaServiceDeps {
  meetings: MeetingRepository;
  agendas: AgendaRepository;
  /** Tells everyone in the meeting's room. */
  broadcast(agenda: Agenda): void;
}

/** Structural change of the items: gets the current items and the meeting, returns the new items. */
export type ItemsChange = (items: AgendaItem[], meeting: StoredMeeting) => AgendaItem[];

/**
 * The agenda's rules: who may read and change it, in which meeting states, and with which
 * version. Every change is written by compare-and-set and then broadcast whole.
 */
export class AgendaService {
  constructor(private readonly deps: AgendaServiceDeps) {}

  /** Any member who may see the meeting. */
  async get(user: User, meetingId: string): Promise<Agenda> {
    await this.membership(user, meetingId);
    return this.deps.agendas.get(meetingId);
  }

  /**
   * Chair or secretary, before the meeting ends, on the version they last saw: otherwise
   * `conflict`, and nothing is written.
   */
  async changeItems(user: User, meetingId: string, seenVersion: number, change: ItemsChange): Promise<Agenda> {
    const { meeting, role } = await this.membership(user, meetingId);
    requireRole(role, ['chair', 'secretary'], 'Only the chair or the secretary can change the agenda');
    requireNotEnded(meeting);
    const agenda = await this.deps.agendas.get(meetingId);
    requireVersion(agenda, seenVersion);
    const items = change(agenda.items, meeting);
    // The item under discussion may have just been removed.
    const current = agenda.current && locateEntry(items, agenda.current.itemId) ? agenda.current : null;
    const saved = await this.deps.agendas.replace(agenda, { items, current });
    if (!saved) throw staleVersion();
    this.deps.broadcast(saved);
    return saved;
  }

  /** Chair only, while the meeting is in progress. Moving to the current item again keeps its clock. */
  async setCurrent(user: User, meetingId: string, itemId: string | null): Promise<Agenda> {
    const { meeting, role } = await this.membership(user, meetingId);
    requireRole(role, ['chair'], 'Only the chair moves the meeting to an agenda item');
    requireNotEnded(meeting);
    if (meeting.status !== 'in_progress') throw new RequestError('conflict', 'The meeting has not started yet');
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const agenda = await this.deps.agendas.get(meetingId);
      const current = nextCurrent(agenda, itemId, new Date());
      if (current === agenda.current) return agenda;
      const saved = await this.deps.agendas.replace(agenda, { items: agenda.items, current });
      if (!saved) continue;
      this.deps.broadcast(saved);
      return saved;
    }
    throw staleVersion();
  }

  private membership(user: User, meetingId: string): Promise<Membership> {
    return requireMembership(this.deps.meetings, meetingId, user.id, { isAdmin: user.isAdmin });
  }
}

/** A presenter has to be a member of the meeting. */
export function requirePresenter(meeting: StoredMeeting, presenterId: string | null): void {
  if (presenterId !== null && !meeting.members.some((member) => member.userId === presenterId)) {
    throw new RequestError('invalid_payload', 'The presenter must be a member of the meeting');
  }
}

export function newAgendaItemId(): string {
  return `a-${randomBytes(6).toString('base64url')}`;
}

function nextCurrent(agenda: Agenda, itemId: string | null, now: Date): AgendaCurrent | null {
  if (itemId === null) return null;
  if (!locateEntry(agenda.items, itemId)) throw new RequestError('not_found', 'No such agenda item');
  if (agenda.current?.itemId === itemId) return agenda.current;
  return { itemId, startedAt: now.toISOString() };
}

function requireVersion(agenda: Agenda, seenVersion: number): void {
  if (agenda.version !== seenVersion) throw staleVersion();
}

function staleVersion(): RequestError {
  return new RequestError('conflict', 'The agenda was changed meanwhile; look at it again and retry');
}
