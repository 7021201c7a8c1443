import { z } from 'zod';
import { Id } from './domain.js';

/*
 * Whether a motion passed (thông qua / không thông qua). The chair picks the rule when opening the
 * vote; the rules are those of Vietnamese councils:
 * - majority_of_all: more than half of ALL delegates vote for (quá nửa tổng số đại biểu) — default;
 * - two_thirds_of_all: at least two thirds of ALL delegates vote for (ít nhất hai phần ba tổng số);
 * - majority_of_present: more than half of the delegates PRESENT when the vote opened vote for
 *   (quá nửa số đại biểu có mặt).
 * "All delegates" is every member who votes by role (delegates, plus the chair when the chair
 * votes), present or not, fixed when the vote opens. Abstaining and not voting count neither for
 * nor apart: only "for" votes are measured against the base, so both work against the motion.
 */

export const PassingRule = z.enum(['majority_of_all', 'two_thirds_of_all', 'majority_of_present']);
export type PassingRule = z.infer<typeof PassingRule>;
export const DEFAULT_PASSING_RULE: PassingRule = 'majority_of_all';

export const VoteOutcome = z.object({
  rule: PassingRule,
  /** The option that means "for" (tán thành): see `forOptionId`. */
  forOptionId: Id,
  forVotes: z.number().int().min(0),
  /** Whom the rule measures against: all delegates, or those present when the vote opened. */
  base: z.number().int().min(0),
  /** The fewest "for" votes that pass the motion. */
  required: z.number().int().min(0),
  passed: z.boolean(),
});
export type VoteOutcome = z.infer<typeof VoteOutcome>;

/** The default options' "for" is `agree`; with options of the chair's own, the first one. */
export function forOptionId(options: readonly { id: string }[]): string {
  const agree = options.find((option) => option.id === 'agree');
  const first = agree ?? options[0];
  if (!first) throw new Error('a vote has options');
  return first.id;
}

/** The base a rule measures against. */
export function ruleBase(rule: PassingRule, voters: { delegates: number; present: number }): number {
  return rule === 'majority_of_present' ? voters.present : voters.delegates;
}

/** The fewest "for" votes out of `base` that pass under `rule` (integers only: no rounding error). */
export function requiredVotes(rule: PassingRule, base: number): number {
  if (rule === 'two_thirds_of_all') return Math.floor((2 * base + 2) / 3);
  return Math.floor(base / 2) + 1;
}

export function voteOutcome(
  rule: PassingRule,
  options: readonly { id: string }[],
  counts: readonly { optionId: string; count: number }[],
  voters: { delegates: number; present: number },
): VoteOutcome {
  const forId = forOptionId(options);
  const forVotes = counts.find((entry) => entry.optionId === forId)?.count ?? 0;
  const base = ruleBase(rule, voters);
  const required = requiredVotes(rule, base);
  // With nobody to count (base 0) nothing passes, whatever the rule's arithmetic says.
  return { rule, forOptionId: forId, forVotes, base, required, passed: base > 0 && forVotes >= required };
}
