import { describe, expect, it } from 'vitest';
import { csvCell } from '../src/votes/vote-csv.js';
import { keys } from '../src/redis/keys.js';

describe('secret-ballot storage shape', () => {
  it('keeps participation and per-option counters under separate keys, named ballots apart', () => {
    const names = [keys.voteVoters('m', 'v'), keys.voteTally('m', 'v'), keys.voteBallots('m', 'v'), keys.vote('m', 'v')];
    expect(new Set(names).size).toBe(4);
  });
});

describe('CSV cells', () => {
  it('quotes separators and defuses formulas', () => {
    expect(csvCell('Có')).toBe('Có');
    expect(csvCell('A, B')).toBe('"A, B"');
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
  });
});
