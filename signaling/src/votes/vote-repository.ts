import { DEFAULT_PASSING_RULE, PassingRule, Vote, VoteOption, voteOutcome, type NamedBallot, type VoteCount } from '@ehop/protocol';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';
import type { BallotSealer } from './ballot-seal.js';

/**
 * One ballot, checked and stored in one Redis step, so two tabs or two signaling nodes can never
 * both count a voter. A named vote counts the ballot and records who chose what. A secret vote
 * adds the voter to the participation SET and drops a SEALED ballot (ARGV[2], ballot-seal.ts)
 * into the ballot box: nothing Redis holds, logs or replicates can be opened to a choice.
 */
const CAST_BALLOT = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'not_found' end
local deadline = redis.call('HGET', KEYS[1], 'deadline')
if status ~= 'open' or (deadline ~= '' and tonumber(deadline) <= tonumber(ARGV[3])) then return 'closed' end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return 'not_eligible' end
local secret = redis.call('HGET', KEYS[1], 'secret') == '1'
if secret then
  if redis.call('HGET', KEYS[1], 'keyCheck') ~= ARGV[4] then return 'key_mismatch' end
elseif redis.call('HEXISTS', KEYS[4], ARGV[2]) == 0 then
  return 'no_option'
end
if redis.call('SADD', KEYS[3], ARGV[1]) == 0 then return 'already_voted' end
if secret then
  redis.call('SADD', KEYS[6], ARGV[2])
else
  redis.call('HINCRBY', KEYS[4], ARGV[2], 1)
  redis.call('HSET', KEYS[5], ARGV[1], ARGV[2])
end
return 'ok'
`;

/**
 * Closes an open vote; 1 when this call closed it, 0 when it was closed already (or unknown). A
 * secret vote goes to 'counting' until its ballot box is opened (any node may finish that). A
 * secret vote opened before ballots were sealed (no keyCheck) keeps the counters it has.
 */
const CLOSE_VOTE = `
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return 0 end
local next = 'closed'
if redis.call('HGET', KEYS[1], 'secret') == '1' and redis.call('HEXISTS', KEYS[1], 'keyCheck') == 1 then next = 'counting' end
redis.call('HSET', KEYS[1], 'status', next, 'closedAt', ARGV[1])
return 1
`;

/**
 * Stores a counted secret vote's totals (ARGV: option, count, option, count...), deletes its box
 * and marks it closed, once: a second node counting the same box at the same moment changes nothing.
 */
const FINISH_COUNT = `
if redis.call('HGET', KEYS[1], 'status') ~= 'counting' then return 0 end
redis.call('DEL', KEYS[2])
if #ARGV > 0 then redis.call('HSET', KEYS[2], unpack(ARGV)) end
redis.call('DEL', KEYS[3])
redis.call('HSET', KEYS[1], 'status', 'closed')
return 1
`;

export type CastOutcome = 'ok' | 'not_found' | 'closed' | 'not_eligible' | 'no_option' | 'already_voted' | 'key_mismatch';

/** What never changes once a vote is open. */
export const VoteDefinition = z.object({
  id: z.string(),
  meetingId: z.string(),
  agendaItemId: z.string(),
  question: z.string(),
  options: z.array(VoteOption),
  secret: z.boolean(),
  chairVotes: z.boolean(),
  /** Votes stored before passing rules existed were read as the default rule. */
  passingRule: PassingRule.default(DEFAULT_PASSING_RULE),
  /** All delegates (voting members) at opening; older votes lack it and use the eligible count. */
  delegates: z.number().int().min(0).optional(),
  openedAt: z.iso.datetime(),
  closesAt: z.iso.datetime().nullable(),
});
export type VoteDefinition = z.infer<typeof VoteDefinition>;

export interface StoredVoteState {
  definition: VoteDefinition;
  /** 'counting': closed, its sealed ballots not counted yet (a crash in between leaves it so). */
  status: 'open' | 'counting' | 'closed';
  closedAt: string | null;
  /** Epoch ms when the countdown ends; null without one. */
  deadline: number | null;
}

export class VoteRepository {
  constructor(
    private readonly redis: RedisClient,
    private readonly sealer: BallotSealer,
    private readonly logger: Logger,
  ) {}

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
      ...(definition.secret ? { keyCheck: this.sealer.keyCheck(meetingId, id) } : {}),
    });
    if (eligible.length > 0) multi.sAdd(keys.voteEligible(meetingId, id), [...eligible]);
    // A secret vote has no counters while open: its counts exist only once the box is opened.
    if (!definition.secret) {
      multi.hSet(keys.voteTally(meetingId, id), Object.fromEntries(definition.options.map((option) => [option.id, '0'])));
    }
    multi.zAdd(keys.meetingVotes(meetingId), { score: Date.parse(definition.openedAt), value: id });
    await multi.exec();
  }

  /** One ballot; a secret one is sealed here, so its choice never reaches Redis readable. */
  async cast(definition: VoteDefinition, userId: string, optionId: string, now = Date.now()): Promise<CastOutcome> {
    const { meetingId, id } = definition;
    if (!definition.options.some((option) => option.id === optionId)) return 'no_option';
    const ballot = definition.secret ? this.sealer.seal(meetingId, id, optionId) : optionId;
    const outcome = await this.redis.eval(CAST_BALLOT, {
      keys: voteKeys(meetingId, id),
      arguments: [userId, ballot, String(now), definition.secret ? this.sealer.keyCheck(meetingId, id) : ''],
    });
    if (outcome === 'key_mismatch') this.logger.error({ meetingId, voteId: id }, 'BALLOT_SECRET differs from the one this vote was opened with; ballot refused');
    return String(outcome) as CastOutcome;
  }

  async close(meetingId: string, voteId: string, closedAt: string): Promise<boolean> {
    const closed = await this.redis.eval(CLOSE_VOTE, { keys: [keys.vote(meetingId, voteId)], arguments: [closedAt] });
    return Number(closed) === 1;
  }

  /**
   * Opens a closed secret vote's ballot box, counts it and stores only the counts. Idempotent:
   * whichever node (or call) finishes first writes; the others find the vote closed.
   */
  async finishCount(definition: VoteDefinition): Promise<void> {
    const { meetingId, id } = definition;
    const [sealed, voted] = await Promise.all([
      this.redis.sMembers(keys.voteBallotBox(meetingId, id)),
      this.redis.sCard(keys.voteVoters(meetingId, id)),
    ]);
    const counts = new Map(definition.options.map((option) => [option.id, 0]));
    for (const ballot of sealed) {
      const optionId = this.sealer.open(meetingId, id, ballot);
      const count = counts.get(optionId);
      if (count === undefined) throw new Error(`a sealed ballot of vote ${id} names no option of it`);
      counts.set(optionId, count + 1);
    }
    const finished = await this.redis.eval(FINISH_COUNT, {
      keys: [keys.vote(meetingId, id), keys.voteTally(meetingId, id), keys.voteBallotBox(meetingId, id)],
      arguments: [...counts].flatMap(([optionId, count]) => [optionId, String(count)]),
    });
    // Every voter drops exactly one ballot in the same step, so the two always agree unless
    // someone with write access to Redis changed one of them.
    if (Number(finished) === 1 && sealed.length !== voted) {
      this.logger.error({ meetingId, voteId: id, ballots: sealed.length, voters: voted }, 'secret vote: ballots and voters differ');
    }
  }

  async state(meetingId: string, voteId: string): Promise<StoredVoteState | null> {
    const fields = await this.redis.hGetAll(keys.vote(meetingId, voteId));
    if (!fields['definition']) return null;
    const status = fields['status'];
    return {
      definition: VoteDefinition.parse(JSON.parse(fields['definition'])),
      status: status === 'open' || status === 'counting' ? status : 'closed',
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

  /**
   * The whole public view of one vote (results only once counted). A secret vote left 'counting'
   * (its closing node crashed, or closed a moment ago) is counted here, by whichever node reads it.
   */
  async view(meetingId: string, voteId: string): Promise<Vote | null> {
    let stored = await this.state(meetingId, voteId);
    if (!stored) return null;
    if (stored.status === 'counting') stored = await this.countNow(stored);
    const { definition } = stored;
    const turnout = await this.turnout(meetingId, voteId);
    const voters = { delegates: definition.delegates ?? turnout.eligible, present: turnout.eligible };
    const results = stored.status === 'closed' ? await this.results(definition, voters) : null;
    // 'counting' that could not finish here: closed, its results to come (votes:changed brings them).
    return voteView(definition, { status: stored.status === 'open' ? 'open' : 'closed', closedAt: stored.closedAt, turnout, results });
  }

  private async results(definition: VoteDefinition, voters: { delegates: number; present: number }) {
    const { meetingId, id } = definition;
    const counts = await this.counts(meetingId, id);
    return {
      counts,
      ballots: definition.secret ? null : await this.namedBallots(meetingId, id),
      outcome: voteOutcome(definition.passingRule, definition.options, counts, voters),
    };
  }

  private async countNow(stored: StoredVoteState): Promise<StoredVoteState> {
    try {
      await this.finishCount(stored.definition);
    } catch (error) {
      // This node cannot open the box (another BALLOT_SECRET): a correctly configured node will.
      this.logger.error({ err: error, voteId: stored.definition.id }, 'secret vote could not be counted on this node');
      return stored;
    }
    return (await this.state(stored.definition.meetingId, stored.definition.id)) ?? stored;
  }
}

/** The public shape of a vote from what is stored (a just-opened vote needs no read: see VoteService.open). */
export function voteView(
  definition: VoteDefinition,
  state: Pick<Vote, 'status' | 'closedAt' | 'turnout' | 'results'>,
): Vote {
  const { delegates, ...fields } = definition;
  return Vote.parse({ ...fields, delegates: delegates ?? state.turnout.eligible, ...state });
}

/** Forgets every vote of a meeting (the demo seed starts the demo meeting afresh). */
export async function clearMeetingVotes(redis: RedisClient, meetingId: string): Promise<void> {
  const ids = await redis.zRange(keys.meetingVotes(meetingId), 0, -1);
  await redis.del([keys.meetingVotes(meetingId), ...ids.flatMap((id) => voteKeys(meetingId, id))]);
}

/** Every key of one vote, in the order CAST_BALLOT takes them as KEYS[1..6]. */
function voteKeys(meetingId: string, voteId: string): string[] {
  return [
    keys.vote(meetingId, voteId),
    keys.voteEligible(meetingId, voteId),
    keys.voteVoters(meetingId, voteId),
    keys.voteTally(meetingId, voteId),
    keys.voteBallots(meetingId, voteId),
    keys.voteBallotBox(meetingId, voteId),
  ];
}
