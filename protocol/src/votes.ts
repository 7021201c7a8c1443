import { z } from 'zod';
import { Id } from './domain.js';
import { DEFAULT_PASSING_RULE, PassingRule, VoteOutcome } from './vote-outcome.js';

/*
 * Votes (biểu quyết). The chair opens a vote on an agenda item; the delegates attending (checked
 * in present in the room or online) when it opens are its voters, plus the chair when the chair
 * chooses to count themselves. Each voter casts one ballot; results are published when it closes.
 * A secret vote keeps who voted apart from what was chosen: nobody can link a choice to a voter.
 */

export const VoteOptionLabel = z.string().trim().min(1).max(200);
export const VoteOption = z.object({ id: Id, label: VoteOptionLabel });
export type VoteOption = z.infer<typeof VoteOption>;

/** Ids of the default choices; their labels come from i18n (`votes.option.<id>`). */
export const DEFAULT_VOTE_OPTION_IDS = ['agree', 'disagree', 'abstain'] as const;
export const DEFAULT_VOTE_OPTIONS: VoteOption[] = [
  { id: 'agree', label: 'Đồng ý' },
  { id: 'disagree', label: 'Không đồng ý' },
  { id: 'abstain', label: 'Không biểu quyết' },
];

export const MIN_VOTE_OPTIONS = 2;
export const MAX_VOTE_OPTIONS = 10;
/**
 * The fewest voters a secret vote may have: with two, each one's choice can be read from the
 * tally and their own ballot; with one, the tally is that voter's choice.
 */
export const MIN_SECRET_VOTERS = 3;
/** Longest countdown: a session's vote never needs more than an hour. */
export const MAX_VOTE_SECONDS = 3600;

export const VoteStatus = z.enum(['open', 'closed']);
export type VoteStatus = z.infer<typeof VoteStatus>;

export const Turnout = z.object({ voted: z.number().int().min(0), eligible: z.number().int().min(0) });
export type Turnout = z.infer<typeof Turnout>;

export const VoteCount = z.object({ optionId: Id, count: z.number().int().min(0) });
export type VoteCount = z.infer<typeof VoteCount>;

/** A named ballot: shown only for named votes. */
export const NamedBallot = z.object({ userId: Id, optionId: Id });
export type NamedBallot = z.infer<typeof NamedBallot>;

export const VoteResults = z.object({
  counts: z.array(VoteCount),
  /** Who chose what: named votes only; null for a secret vote (the server never stores it). */
  ballots: z.array(NamedBallot).nullable(),
  /** Whether the motion passed under the vote's rule, with the numbers it was measured on. */
  outcome: VoteOutcome,
});
export type VoteResults = z.infer<typeof VoteResults>;

/** A vote as every member sees it; `results` only once it is closed. */
export const Vote = z.object({
  id: Id,
  meetingId: Id,
  agendaItemId: Id,
  question: z.string(),
  options: z.array(VoteOption),
  secret: z.boolean(),
  chairVotes: z.boolean(),
  passingRule: PassingRule,
  /** All delegates who vote by role, present or not (the base of the "of all" rules), fixed at opening. */
  delegates: z.number().int().min(0),
  status: VoteStatus,
  openedAt: z.iso.datetime(),
  /** When the countdown ends (the server closes it then); null without a countdown. */
  closesAt: z.iso.datetime().nullable(),
  closedAt: z.iso.datetime().nullable(),
  turnout: Turnout,
  results: VoteResults.nullable(),
});
export type Vote = z.infer<typeof Vote>;

export const OpenVoteRequest = z
  .object({
    meetingId: Id,
    agendaItemId: Id,
    question: z.string().trim().min(1).max(500),
    /** Omitted: Đồng ý / Không đồng ý / Không biểu quyết. */
    options: z.array(VoteOptionLabel).min(MIN_VOTE_OPTIONS).max(MAX_VOTE_OPTIONS).optional(),
    secret: z.boolean(),
    /** The chair counts as a voter too (when checked in). */
    chairVotes: z.boolean().default(false),
    /** How the outcome is decided; omitted: more than half of all delegates. */
    passingRule: PassingRule.default(DEFAULT_PASSING_RULE),
    /** Countdown in seconds; omitted: closed by the chair. */
    durationSeconds: z.number().int().min(5).max(MAX_VOTE_SECONDS).optional(),
  })
  .superRefine((request, context) => {
    const labels = (request.options ?? []).map((label) => label.toLocaleLowerCase('vi'));
    if (new Set(labels).size !== labels.length) {
      context.addIssue({ code: 'custom', message: 'options must differ', path: ['options'] });
    }
  });
export type OpenVoteRequest = z.input<typeof OpenVoteRequest>;

const VoteRef = z.object({ meetingId: Id, voteId: Id });

/** `GET /api/meetings/:meetingId/votes/:voteId/results.csv` */
export const VoteResultsParams = VoteRef;

export const voteRequests = {
  /** Every vote of the meeting (newest first), and the ones the caller has voted in. */
  'votes:list': {
    request: z.object({ meetingId: Id }),
    response: z.object({ votes: z.array(Vote), votedIds: z.array(Id), serverTime: z.iso.datetime() }),
  },
  'votes:open': { request: OpenVoteRequest, response: Vote },
  'votes:cast': { request: VoteRef.extend({ optionId: Id }), response: z.object({ voteId: Id }) },
  'votes:close': { request: VoteRef, response: Vote },
} as const;

export const voteEvents = {
  /** A vote opened, its turnout moved, or it closed (with results): to everyone in the room. */
  'votes:changed': Vote,
} as const;

export interface ResultRow {
  option: VoteOption;
  count: number;
  /** Share of `base` (the delegates the passing rule counts, not only those who voted), 0..100, one decimal. */
  percent: number;
}

/** Bars for the chart: each option with its count and its share of the rule's base. */
export function resultRows(options: readonly VoteOption[], counts: readonly VoteCount[], base: number): ResultRow[] {
  const countOf = new Map(counts.map((entry) => [entry.optionId, entry.count]));
  return options.map((option) => {
    const count = countOf.get(option.id) ?? 0;
    return { option, count, percent: base <= 0 ? 0 : Math.round((count * 1000) / base) / 10 };
  });
}

/** Options with ids: the labels given, or the default three. */
export function buildVoteOptions(labels: readonly string[] | undefined): VoteOption[] {
  if (!labels) return DEFAULT_VOTE_OPTIONS.map((option) => ({ ...option }));
  return labels.map((label, index) => ({ id: `o${index + 1}`, label }));
}

/**
 * Who votes by role: the delegates, and the chair when `chairVotes`. Attending or not: these are
 * "all delegates" for the passing rules.
 */
export function votingMembers(members: readonly { userId: string; role: string }[], chairVotes: boolean): string[] {
  return members.filter((member) => member.role === 'delegate' || (chairVotes && member.role === 'chair')).map((member) => member.userId);
}

/**
 * Who may vote: delegates attending (present or online), and the chair when `chairVotes` and
 * attending. Fixed when the vote opens, so turnout has a stable denominator.
 */
export function eligibleVoters(
  members: readonly { userId: string; role: string }[],
  attendance: ReadonlyMap<string, string>,
  chairVotes: boolean,
): string[] {
  return votingMembers(members, chairVotes).filter((userId) => {
    const status = attendance.get(userId);
    return status === 'present' || status === 'online';
  });
}
