import { resultRows, type Vote } from '@ehop/protocol';
import { baseText, outcomeWord, ruleText } from './vote-outcome-text.js';

/**
 * A closed vote's results as CSV (UTF-8 with BOM so spreadsheet programs read the Vietnamese
 * text): the passing rule and outcome, one row per option (its share of the delegates the rule
 * counts), the turnout, and for a named vote each voter's choice.
 */
export function voteResultsCsv(vote: Vote, displayName: (userId: string) => string): string {
  const results = vote.results;
  if (!results) throw new Error('results exist only once the vote is closed');
  const labelOf = new Map(vote.options.map((option) => [option.id, option.label]));
  const { outcome } = results;
  const forLabel = labelOf.get(outcome.forOptionId) ?? outcome.forOptionId;
  const lines: string[][] = [
    ['Câu hỏi', vote.question],
    ['Hình thức', vote.secret ? 'Bỏ phiếu kín' : 'Biểu quyết công khai'],
    ['Tổng số đại biểu', String(vote.delegates), 'Có mặt (được biểu quyết)', String(vote.turnout.eligible), 'Đã biểu quyết', String(vote.turnout.voted)],
    ['Điều kiện thông qua', ruleText(outcome.rule)],
    ['Kết quả', outcomeWord(outcome), 'Tán thành', `${outcome.forVotes}/${outcome.base}`, 'Cần ít nhất', String(outcome.required), 'Phương án tán thành', forLabel],
    [],
    ['Phương án', 'Số phiếu', `Tỷ lệ (% ${baseText(outcome.rule)})`],
    ...resultRows(vote.options, results.counts, outcome.base).map((row) => [row.option.label, String(row.count), row.percent.toFixed(1)]),
  ];
  if (results.ballots) {
    lines.push([], ['Đại biểu', 'Lựa chọn']);
    for (const ballot of results.ballots) lines.push([displayName(ballot.userId), labelOf.get(ballot.optionId) ?? ballot.optionId]);
  }
  return '\uFEFF' + lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Quotes as RFC 4180 asks; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
