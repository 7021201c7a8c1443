import { randomUUID } from 'node:crypto';
import {
  buildVoteOptions,
  eligibleVoters,
  MIN_SECRET_VOTERS,
  RequestError,
  votingMembers,
  type ParsedClientRequest,
  type User,
  type Vote,
} from '@ehop/protocol';
import type { AgendaRepository } from '../agenda/agenda-repository.js';
import { locateEntry } from '../agenda/agenda-tree.js';
import type { AttendanceRepository } from '../attendance/attendance-repository.js';
import { requireMembership, requireNotEnded, requireRole, type Membership } from '../meetings/meeting-access.js';
import type { MeetingRepository } from '../meetings/meeting-repository.js';
import { voteView, type CastOutcome, type VoteRepository } from './vote-repository.js';

export interface VoteServiceDeps {
  meetings: MeetingRepository;
  agendas: AgendaRepository;
  attendance: AttendanceRepository;
  votes: VoteRepository;
  /** Tells everyone in the meeting's room (turnout while open, results once closed). */
  broadcast(vote: Vote): void;
}

/** Refusals of a ballot, as the caller hears them; nothing was stored in any of these cases. */
const CAST_REFUSALS: Record<Exclude<CastOutcome, 'ok'>, () => RequestError> = {
  not_found: () => new RequestError('not_found', 'Vote not found'),
  closed: () => new RequestError('conflict', 'This vote is closed'),
  not_eligible: () => new RequestError('forbidden', 'Only delegates checked in when the vote opened may vote'),
  no_option: () => new RequestError('invalid_payload', 'This option is not one of the vote\'s options'),
  already_voted: () => new RequestError('conflict', 'You have already voted'),
  // This node's BALLOT_SECRET is not the one the vote was opened with: its ballot could never be counted.
  key_mismatch: () => new RequestError('internal', 'This server cannot take secret ballots now (configuration); please try again'),
};

/** Who opens, casts and closes votes, and when a countdown closes one. */
export class VoteService {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly deps: VoteServiceDeps) {}

  async list(user: User, meetingId: string): Promise<{ votes: Vote[]; votedIds: string[]; serverTime: string }> {
    await this.membership(user, meetingId);
    const ids = await this.deps.votes.ids(meetingId);
    // A restart loses the countdown timers: any read closes what should already be closed.
    await Promise.all(ids.map((id) => this.closeIfExpired(meetingId, id)));
    const votes = (await Promise.all(ids.map((id) => this.deps.votes.view(meetingId, id)))).filter((vote) => vote !== null);
    const voted = await Promise.all(ids.map((id) => this.deps.votes.hasVoted(meetingId, id, user.id)));
    return { votes, votedIds: ids.filter((_, index) => voted[index]), serverTime: new Date().toISOString() };
  }

  async open(user: User, request: ParsedClientRequest<'votes:open'>): Promise<Vote> {
    const { meeting, role } = await this.membership(user, request.meetingId);
    requireRole(role, ['chair'], 'Only the chair opens a vote');
    requireNotEnded(meeting);
    if (meeting.status !== 'in_progress') throw new RequestError('conflict', 'Votes are held once the meeting has started');
    const agenda = await this.deps.agendas.get(meeting.id);
    if (!locateEntry(agenda.items, request.agendaItemId)) throw new RequestError('not_found', 'Agenda item not found');
    if (await this.hasOpenVote(meeting.id)) throw new RequestError('conflict', 'Another vote is still open');

    const attendance = new Map((await this.deps.attendance.list(meeting.id)).map((entry) => [entry.userId, entry.status]));
    const eligible = eligibleVoters(meeting.members, attendance, request.chairVotes);
    if (request.secret && eligible.length < MIN_SECRET_VOTERS) {
      throw new RequestError(
        'conflict',
        `A secret vote needs at least ${MIN_SECRET_VOTERS} eligible voters (${eligible.length} checked in): with fewer, the tally shows how each one voted`,
      );
    }
    const now = Date.now();
    const definition = {
      id: randomUUID(),
      meetingId: meeting.id,
      agendaItemId: request.agendaItemId,
      question: request.question,
      options: buildVoteOptions(request.options),
      secret: request.secret,
      chairVotes: request.chairVotes,
      passingRule: request.passingRule,
      delegates: votingMembers(meeting.members, request.chairVotes).length,
      openedAt: new Date(now).toISOString(),
      closesAt: request.durationSeconds ? new Date(now + request.durationSeconds * 1000).toISOString() : null,
    };
    await this.deps.votes.create(definition, eligible);
    if (request.durationSeconds) this.scheduleClose(meeting.id, definition.id, request.durationSeconds * 1000);
    // Built from what was just written, not read back: once stored, the opening must be answered
    // as done even if storage went away right after.
    const vote = voteView(definition, { status: 'open', closedAt: null, turnout: { voted: 0, eligible: eligible.length }, results: null });
    this.deps.broadcast(vote);
    return vote;
  }

  async cast(user: User, request: ParsedClientRequest<'votes:cast'>): Promise<{ voteId: string }> {
    const { meeting } = await this.membership(user, request.meetingId);
    await this.closeIfExpired(meeting.id, request.voteId);
    const stored = await this.deps.votes.state(meeting.id, request.voteId);
    if (!stored) throw CAST_REFUSALS.not_found();
    const outcome = await this.deps.votes.cast(stored.definition, user.id, request.optionId);
    if (outcome !== 'ok') throw CAST_REFUSALS[outcome]();
    // The ballot is stored: the voter hears so even if the turnout announcement cannot be read now.
    await this.announce(meeting.id, request.voteId).catch(() => undefined);
    return { voteId: request.voteId };
  }

  async close(user: User, request: ParsedClientRequest<'votes:close'>): Promise<Vote> {
    const { meeting, role } = await this.membership(user, request.meetingId);
    requireRole(role, ['chair'], 'Only the chair closes a vote');
    const stored = await this.deps.votes.state(meeting.id, request.voteId);
    if (!stored) throw new RequestError('not_found', 'Vote not found');
    if (!(await this.deps.votes.close(meeting.id, request.voteId, new Date().toISOString()))) {
      throw new RequestError('conflict', 'This vote is already closed');
    }
    this.clearTimer(request.voteId);
    return this.announce(meeting.id, request.voteId);
  }

  /** One closed vote with its results, for members (the CSV export). */
  async results(user: User, meetingId: string, voteId: string): Promise<Vote> {
    await this.membership(user, meetingId);
    await this.closeIfExpired(meetingId, voteId);
    const vote = await this.deps.votes.view(meetingId, voteId);
    if (!vote) throw new RequestError('not_found', 'Vote not found');
    if (vote.status !== 'closed') throw new RequestError('conflict', 'Results are published when the vote closes');
    if (!vote.results) throw new RequestError('conflict', 'The ballots are still being counted; please try again');
    return vote;
  }

  /** Stops the countdown timers of this node (on shutdown); reads close what ran out meanwhile. */
  stopTimers(): void {
    for (const voteId of [...this.timers.keys()]) this.clearTimer(voteId);
  }

  private scheduleClose(meetingId: string, voteId: string, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(voteId);
      void this.closeIfExpired(meetingId, voteId).catch(() => undefined);
    }, delayMs);
    timer.unref();
    this.timers.set(voteId, timer);
  }

  private clearTimer(voteId: string): void {
    clearTimeout(this.timers.get(voteId));
    this.timers.delete(voteId);
  }

  /** Closes the vote when its countdown has run out; only the call that closes it announces it. */
  private async closeIfExpired(meetingId: string, voteId: string): Promise<void> {
    const stored = await this.deps.votes.state(meetingId, voteId);
    if (!stored || stored.status !== 'open' || stored.deadline === null || stored.deadline > Date.now()) return;
    const closedAt = new Date(stored.deadline).toISOString();
    if (await this.deps.votes.close(meetingId, voteId, closedAt)) await this.announce(meetingId, voteId);
  }

  /** True while one of the meeting's votes is open (one whose countdown ran out is closed first). */
  async hasOpenVote(meetingId: string): Promise<boolean> {
    for (const id of await this.deps.votes.ids(meetingId)) {
      await this.closeIfExpired(meetingId, id);
      if ((await this.deps.votes.state(meetingId, id))?.status === 'open') return true;
    }
    return false;
  }

  private async announce(meetingId: string, voteId: string): Promise<Vote> {
    const vote = await this.deps.votes.view(meetingId, voteId);
    if (!vote) throw new RequestError('not_found', 'Vote not found');
    this.deps.broadcast(vote);
    return vote;
  }

  private membership(user: User, meetingId: string): Promise<Membership> {
    return requireMembership(this.deps.meetings, meetingId, user.id, { isAdmin: user.isAdmin });
  }
}
