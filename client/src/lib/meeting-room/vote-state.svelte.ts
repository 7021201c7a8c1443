import type { OpenVoteRequest, Vote } from '@ehop/protocol';
import type { AppError } from '../errors.js';
import { runExclusively } from '../exclusive-action.js';
import { onServerEvent, request } from '../socket.js';

export type VoteDraft = Omit<OpenVoteRequest, 'meetingId'>;

/**
 * The meeting's votes in this browser (newest first), kept fresh by `votes:changed`, and the
 * votes this account has voted in. A closed vote changes only once more, when its count arrives,
 * so a late event for it is ignored; an open one takes the event with the higher turnout.
 */
export class VoteState {
  votes = $state.raw<Vote[]>([]);
  votedIds = $state.raw<ReadonlySet<string>>(new Set());
  busy = $state(false);
  /** The vote whose results arrived last while this page was open (a hall TV shows them a while). */
  latestResult = $state.raw<Vote | null>(null);
  /** Told when a vote opens while this page is open (not for votes already open when it loaded). */
  onOpened: ((vote: Vote) => void) | null = null;

  constructor(
    private readonly meetingId: string,
    private readonly onError: (error: AppError) => void,
  ) {}

  get openVote(): Vote | undefined {
    return this.votes.find((vote) => vote.status === 'open');
  }

  subscribe(): () => void {
    return onServerEvent('votes:changed', (vote) => {
      if (vote.meetingId !== this.meetingId) return;
      const known = this.votes.find((entry) => entry.id === vote.id);
      if (!this.accept(vote)) return;
      if (vote.status === 'open' && !known) {
        this.latestResult = null;
        this.onOpened?.(vote);
      }
      if (vote.results) this.latestResult = vote;
    });
  }

  async load(): Promise<void> {
    const { votes, votedIds } = await request('votes:list', { meetingId: this.meetingId });
    this.votes = votes;
    this.votedIds = new Set(votedIds);
  }

  open(draft: VoteDraft): Promise<boolean> {
    return this.run(async () => {
      this.accept(await request('votes:open', { meetingId: this.meetingId, ...draft }));
    });
  }

  cast(voteId: string, optionId: string): Promise<boolean> {
    return this.run(async () => {
      await request('votes:cast', { meetingId: this.meetingId, voteId, optionId });
      this.votedIds = new Set([...this.votedIds, voteId]);
    });
  }

  close(voteId: string): Promise<boolean> {
    return this.run(async () => {
      const vote = await request('votes:close', { meetingId: this.meetingId, voteId });
      if (this.accept(vote) && vote.results) this.latestResult = vote;
    });
  }

  private run(action: () => Promise<void>): Promise<boolean> {
    return runExclusively(this, this.onError, action);
  }

  /** Takes `vote` unless what is known is newer; true when taken. */
  private accept(vote: Vote): boolean {
    const known = this.votes.find((entry) => entry.id === vote.id);
    if (known && !isNewer(vote, known)) return false;
    const others = this.votes.filter((entry) => entry.id !== vote.id);
    this.votes = [vote, ...others].sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt));
    return true;
  }
}

function isNewer(next: Vote, known: Vote): boolean {
  // A closed secret vote may be announced before its ballots are counted: the counted one follows.
  if (known.status === 'closed') return known.results === null && next.results !== null;
  return next.status === 'closed' || next.turnout.voted >= known.turnout.voted;
}
