import { describe, expect, it } from 'vitest';
import { forOptionId, requiredVotes, voteOutcome, type PassingRule } from '../src/vote-outcome.js';
import { buildVoteOptions } from '../src/votes.js';

const DEFAULTS = buildVoteOptions(undefined);
const counts = (agree: number, disagree = 0, abstain = 0) => [
  { optionId: 'agree', count: agree },
  { optionId: 'disagree', count: disagree },
  { optionId: 'abstain', count: abstain },
];
const passes = (rule: PassingRule, agree: number, voters: { delegates: number; present: number }, others: [number, number] = [0, 0]) =>
  voteOutcome(rule, DEFAULTS, counts(agree, ...others), voters).passed;

describe('which option means "for"', () => {
  it('is agree for the default options and the first option of the chair\'s own', () => {
    expect(forOptionId(DEFAULTS)).toBe('agree');
    expect(forOptionId([{ id: 'disagree' }, { id: 'agree' }])).toBe('agree');
    expect(forOptionId(buildVoteOptions(['Tán thành phương án 1', 'Phương án 2']))).toBe('o1');
  });
});

describe('more than half of all delegates (the default)', () => {
  it('needs more than half: exactly half does not pass, with an even and an odd number of delegates', () => {
    expect(requiredVotes('majority_of_all', 10)).toBe(6);
    expect(passes('majority_of_all', 5, { delegates: 10, present: 10 })).toBe(false);
    expect(passes('majority_of_all', 6, { delegates: 10, present: 10 })).toBe(true);
    expect(requiredVotes('majority_of_all', 7)).toBe(4);
    expect(passes('majority_of_all', 3, { delegates: 7, present: 7 })).toBe(false);
    expect(passes('majority_of_all', 4, { delegates: 7, present: 7 })).toBe(true);
  });

  it('counts absent delegates: a unanimous vote of too few present does not pass', () => {
    expect(passes('majority_of_all', 4, { delegates: 10, present: 4 })).toBe(false);
  });

  it('a tie between for and against does not pass; abstentions and non-voters work against', () => {
    expect(passes('majority_of_all', 4, { delegates: 8, present: 8 }, [4, 0])).toBe(false);
    expect(passes('majority_of_all', 4, { delegates: 7, present: 7 }, [1, 2])).toBe(true);
    expect(passes('majority_of_all', 3, { delegates: 7, present: 7 }, [0, 4])).toBe(false);
  });
});

describe('at least two thirds of all delegates', () => {
  it('rounds the threshold up, never down', () => {
    expect([3, 6, 7, 9, 10, 11, 100].map((base) => requiredVotes('two_thirds_of_all', base))).toEqual([2, 4, 5, 6, 7, 8, 67]);
    expect(passes('two_thirds_of_all', 6, { delegates: 10, present: 10 })).toBe(false);
    expect(passes('two_thirds_of_all', 7, { delegates: 10, present: 10 })).toBe(true);
    // Exactly two thirds passes ("ít nhất hai phần ba").
    expect(passes('two_thirds_of_all', 6, { delegates: 9, present: 9 })).toBe(true);
    expect(passes('two_thirds_of_all', 5, { delegates: 9, present: 9 })).toBe(false);
  });
});

describe('more than half of those present', () => {
  it('measures against those present when the vote opened, not all delegates', () => {
    const outcome = voteOutcome('majority_of_present', DEFAULTS, counts(3, 1, 1), { delegates: 10, present: 5 });
    expect(outcome).toEqual({ rule: 'majority_of_present', forOptionId: 'agree', forVotes: 3, base: 5, required: 3, passed: true });
    expect(passes('majority_of_present', 2, { delegates: 10, present: 4 }, [2, 0])).toBe(false);
    expect(passes('majority_of_present', 2, { delegates: 10, present: 4 }, [0, 2])).toBe(false);
  });
});

describe('nobody to count', () => {
  it('passes nothing, whatever the rule', () => {
    for (const rule of ['majority_of_all', 'two_thirds_of_all', 'majority_of_present'] as const) {
      expect(passes(rule, 0, { delegates: 0, present: 0 })).toBe(false);
    }
  });
});
