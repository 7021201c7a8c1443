import { resultRows, type Vote } from '@ehop/protocol';

/**
 * A closed vote's results as CSV (UTF-8 with BOM so spreadsheet programs read the Vietnamese
 * text): one row per option, the turnout, and for a named vote each voter's choice.
 */
export function voteResultsCsv(vote: Vote, displayName: (userId: string) => string): string {
  const results = vote.results;
  if (!results) throw new Error('results exist only once the vote is closed');
  const labelOf = new Map(vote.options.map((option) => [option.id, option.label]));
  const lines: string[][] = [
    ['Câu hỏi', vote.question],
    ['Hình thức', vote.secret ? 'Bỏ phiếu kín' : 'Biểu quyết công khai'],
    ['Đã biểu quyết', String(vote.turnout.voted), 'Số người được biểu quyết', String(vote.turnout.eligible)],
    [],
    ['Phương án', 'Số phiếu', 'Tỷ lệ (%)'],
    ...resultRows(vote.options, results.counts).map((row) => [row.option.label, String(row.count), row.percent.toFixed(1)]),
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
