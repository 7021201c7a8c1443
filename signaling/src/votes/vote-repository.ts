import { Vote, VoteOption, type VoteCount, type NamedBallot } from '@ehop/protocol';
import { z } from 'zod';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/**
 * One ballot, checked and counted in one Redis step, so two tabs or two signaling nodes can
 * never both count a voter. For a secret vote only two things change: the voter joins the
 * participation SET and the option's COUNTER goes up by one; nothing stores the pair.
 */
const CAST_BALLOT = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'not_found' end
local deadline = redis.call('HGET', KEYS[1], 'deadline')
if status ~= 'open' or (deadline ~= '' and tonumber(deadline) <= tonumber(ARGV[3])) then return 'closed' end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return 'not_eligible' end
if redis.call('HEXISTS', KEYS[4], ARGV[2]) == 0 then return 'no_option' end
if redis.call('SADD', KEYS[3], ARGV[1]) == 0 then return 'already_voted' end
redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
if redis.call('HGET', KEYS[1], 'secret') == '0' then redis.call('HSET', KEYS[5], ARGV[1], ARGV[2]) end
return 'ok'
`;

/** Closes an open vote; 1 when this call closed it, 0 when it was closed already (or unknown). */
const CLOSE_VOTE = `
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'closed', 'closedAt', ARGV[1])
return 1
`;

export type CastOutcome = 'ok' | 'not_found' | 'closed' | 'not_eligible' | 'no_option' | 'already_voted';

/** What never changes once a vote is open. */
export const VoteDefinition = z.object({
  id: z.string(),
  meetingId: z.string(),
  agendaItemId: z.string(),
  question: z.string(),
  options: z.array(VoteOption),
  secret: z.boolean(),
  chairVotes: z.boolean(),
  openedAt: z.iso.datetime(),
  closesAt: z.iso.datetime().nullable(),
});
export type VoteDefinition = z.infer<typeof VoteDefinition>;

export interface StoredVoteState {
  definition: VoteDefinition;
  status: 'open' | 'closed';
  closedAt: string | null;
  /** Epoch ms when the countdown ends; null without one. */
  deadline: number | null;
}

export class VoteRepository {
  constructor(private readonly redis: RedisClient) {}

  async create(definition: VoteDefinition, eligible: readonly string[]): Promise<void> {
    const { meetingId, id } = definition;
    const deadline = definition.closesAt ? String(Date.parse(definition.closesAt)) : '';
    const multi = this.redis.multi();
    multi.hSet(keys.vote(meetingId, id), {
      definition: JSON.stringify(definition),
      status: 'open',
      secret: definition.secret ? '1' : '0',
      deadline,
      closedAt: '',
    });
    if (eligible.length > 0) multi.sAdd(keys.voteEligible(meetingId, id), [...eligible]);
    multi.hSet(keys.voteTally(meetingId, id), Object.fromEntries(definition.options.map((option) => [option.id, '0'])));
    multi.zAdd(keys.meetingVotes(meetingId), { score: Date.parse(definition.openedAt), value: id });
    await multi.exec();
  }

  /** Forgets every vote of a meeting (the demo seed starts the demo meeting afresh). */
  async clearMeeting(meetingId: string): Promise<void> {
    const ids = await this.ids(meetingId);
    const voteKeys = ids.flatMap((id) => [
      keys.vote(meetingId, id),
      keys.voteEligible(meetingId, id),
      keys.voteVoters(meetingId, id),
      keys.voteTally(meetingId, id),
      keys.voteBallots(meetingId, id),
    ]);
    await this.redis.del([keys.meetingVotes(meetingId), ...voteKeys]);
  }

  async cast(meetingId: string, voteId: string, userId: string, optionId: string, now = Date.now()): Promise<CastOutcome> {
    const outcome = await this.redis.eval(CAST_BALLOT, {
      keys: [
        keys.vote(meetingId, voteId),
        keys.voteEligible(meetingId, voteId),
        keys.voteVoters(meetingId, voteId),
        keys.voteTally(meetingId, voteId),
        keys.voteBallots(meetingId, voteId),
      ],
      arguments: [userId, optionId, String(now)],
    });
    return String(outcome) as CastOutcome;
  }

  async close(meetingId: string, voteId: string, closedAt: string): Promise<boolean> {
    const closed = await this.redis.eval(CLOSE_VOTE, { keys: [keys.vote(meetingId, voteId)], arguments: [closedAt] });
    return Number(closed) === 1;
  }

  async state(meetingId: string, voteId: string): Promise<StoredVoteState | null> {
    const fields = await this.redis.hGetAll(keys.vote(meetingId, voteId));
    if (!fields['definition']) return null;
    return {
      definition: VoteDefinition.parse(JSON.parse(fields['definition'])),
      status: fields['status'] === 'open' ? 'open' : 'closed',
      closedAt: fields['closedAt'] || null,
      deadline: fields['deadline'] ? Number(fields['deadline']) : null,
    };
  }

  /** Vote ids, newest first. */
  async ids(meetingId: string): Promise<string[]> {
    return this.redis.zRange(keys.meetingVotes(meetingId), 0, -1, { REV: true });
  }

  async turnout(meetingId: string, voteId: string): Promise<{ voted: number; eligible: number }> {
    const [voted, eligible] = await Promise.all([
      this.redis.sCard(keys.voteVoters(meetingId, voteId)),
      this.redis.sCard(keys.voteEligible(meetingId, voteId)),
    ]);
    return { voted, eligible };
  }

  hasVoted(meetingId: string, voteId: string, userId: string): Promise<boolean> {
    return this.redis.sIsMember(keys.voteVoters(meetingId, voteId), userId).then(Boolean);
  }

  async counts(meetingId: string, voteId: string): Promise<VoteCount[]> {
    const fields = await this.redis.hGetAll(keys.voteTally(meetingId, voteId));
    return Object.entries(fields).map(([optionId, count]) => ({ optionId, count: Number(count) }));
  }

  async namedBallots(meetingId: string, voteId: string): Promise<NamedBallot[]> {
    const fields = await this.redis.hGetAll(keys.voteBallots(meetingId, voteId));
    return Object.entries(fields).map(([userId, optionId]) => ({ userId, optionId }));
  }

  /** The whole public view of one vote (results only once closed). */
  async view(meetingId: string, voteId: string): Promise<Vote | null> {
    const stored = await this.state(meetingId, voteId);
    if (!stored) return null;
    const { definition } = stored;
    const closed = stored.status === 'closed';
    const results = closed
      ? {
          counts: await this.counts(meetingId, voteId),
          ballots: definition.secret ? null : await this.namedBallots(meetingId, voteId),
        }
      : null;
    return Vote.parse({
      ...definition,
      status: stored.status,
      closedAt: stored.closedAt,
      turnout: await this.turnout(meetingId, voteId),
      results,
    });
  }
}
