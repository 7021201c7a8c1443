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

  constructor(
    private readonly meetingId: string,
    private readonly onError: (error: AppError) => void,
  ) {}

  get openVote(): Vote | undefined {
    return this.votes.find((vote) => vote.status === 'open');
  }

  subscribe(): () => void {
    return onServerEvent('votes:changed', (vote) => {
      if (vote.meetingId === this.meetingId) this.accept(vote);
    });
  }

  async load(): Promise<void> {
    const { votes, votedIds } = await request('votes:list', { meetingId: this.meetingId });
    this.votes = votes;
    this.votedIds = new Set(votedIds);
  }

  open(draft: VoteDraft): Promise<boolean> {
    return this.run(async () => this.accept(await request('votes:open', { meetingId: this.meetingId, ...draft })));
  }

  cast(voteId: string, optionId: string): Promise<boolean> {
    return this.run(async () => {
      await request('votes:cast', { meetingId: this.meetingId, voteId, optionId });
      this.votedIds = new Set([...this.votedIds, voteId]);
    });
  }

  close(voteId: string): Promise<boolean> {
    return this.run(async () => this.accept(await request('votes:close', { meetingId: this.meetingId, voteId })));
  }

  private run(action: () => Promise<void>): Promise<boolean> {
    return runExclusively(this, this.onError, action);
  }

  private accept(vote: Vote): void {
    const known = this.votes.find((entry) => entry.id === vote.id);
    if (known && !isNewer(vote, known)) return;
    const others = this.votes.filter((entry) => entry.id !== vote.id);
    this.votes = [vote, ...others].sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt));
  }
}

function isNewer(next: Vote, known: Vote): boolean {
  // A closed secret vote may be announced before its ballots are counted: the counted one follows.
  if (known.status === 'closed') return known.results === null && next.results !== null;
  return next.status === 'closed' || next.turnout.voted >= known.turnout.voted;
}
