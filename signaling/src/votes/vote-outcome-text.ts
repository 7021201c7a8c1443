import type { PassingRule, Vote, VoteOutcome } from '@ehop/protocol';

/*
 * A vote's passing rule and outcome in the Vietnamese of official records, for what the server
 * writes itself (the minutes' skeleton, the results CSV). The web app says the same through i18n.
 */

const RULE_TEXT: Record<PassingRule, string> = {
  majority_of_all: 'quá nửa tổng số đại biểu tán thành',
  two_thirds_of_all: 'ít nhất hai phần ba tổng số đại biểu tán thành',
  majority_of_present: 'quá nửa số đại biểu có mặt tán thành',
};

const BASE_TEXT: Record<PassingRule, string> = {
  majority_of_all: 'tổng số đại biểu',
  two_thirds_of_all: 'tổng số đại biểu',
  majority_of_present: 'số đại biểu có mặt',
};

/** "Điều kiện thông qua: quá nửa tổng số đại biểu tán thành" */
export function ruleText(rule: PassingRule): string {
  return RULE_TEXT[rule];
}

/** What the percentages are of: "tổng số đại biểu" or "số đại biểu có mặt". */
export function baseText(rule: PassingRule): string {
  return BASE_TEXT[rule];
}

export function outcomeWord(outcome: VoteOutcome): string {
  return outcome.passed ? 'Thông qua' : 'Không thông qua';
}

/** "Thông qua: 3/5 đại biểu tán thành (Đồng ý), cần ít nhất 3 (quá nửa tổng số đại biểu tán thành)." */
export function outcomeSentence(vote: Vote, outcome: VoteOutcome): string {
  const label = vote.options.find((option) => option.id === outcome.forOptionId)?.label ?? outcome.forOptionId;
  return (
    `${outcomeWord(outcome)}: ${outcome.forVotes}/${outcome.base} đại biểu tán thành (${label}), ` +
    `cần ít nhất ${outcome.required} (${ruleText(outcome.rule)}).`
  );
}
