import { describe, expect, it } from 'vitest';
import { buildVoteOptions } from '@ehop/protocol';
import { csvCell } from '../src/votes/vote-csv.js';
import { BallotSealer } from '../src/votes/ballot-seal.js';
import { keys } from '../src/redis/keys.js';

describe('secret-ballot storage shape', () => {
  it('keeps participation, counters, sealed ballots and named ballots under separate keys', () => {
    const names = [keys.voteVoters('m', 'v'), keys.voteTally('m', 'v'), keys.voteBallots('m', 'v'), keys.voteBallotBox('m', 'v'), keys.vote('m', 'v')];
    expect(new Set(names).size).toBe(5);
  });
});

describe('sealed ballots', () => {
  const sealer = new BallotSealer('a-ballot-secret-of-at-least-32-characters');
  const optionIds = [...buildVoteOptions(undefined), ...buildVoteOptions(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'])].map((option) => option.id);

  it('opens to the option sealed, with the servers\' secret', () => {
    for (const optionId of optionIds) expect(sealer.open('m1', 'v1', sealer.seal('m1', 'v1', optionId))).toBe(optionId);
    expect(sealer.open('m1', 'v1', sealer.seal('m1', 'v1', 'x'.repeat(64)))).toBe('x'.repeat(64));
  });

  it('cannot be told apart by size, and the same choice never seals the same way twice', () => {
    const sealed = optionIds.flatMap((optionId) => [sealer.seal('m1', 'v1', optionId), sealer.seal('m1', 'v1', optionId)]);
    expect(new Set(sealed.map((ballot) => ballot.length)).size).toBe(1);
    expect(new Set(sealed).size).toBe(sealed.length);
    // No option id in the clear (the default ids: two-letter ones like "o1" occur in random bytes by chance).
    for (const ballot of sealed) for (const optionId of ['agree', 'disagree', 'abstain']) expect(Buffer.from(ballot.slice(3), 'base64url').includes(optionId)).toBe(false);
  });

  it('does not open under another secret, in another vote, or once altered', () => {
    const ballot = sealer.seal('m1', 'v1', 'agree');
    expect(() => new BallotSealer('another-ballot-secret-of-32-characters!').open('m1', 'v1', ballot)).toThrow();
    expect(() => sealer.open('m1', 'v2', ballot)).toThrow();
    expect(() => sealer.open('m2', 'v1', ballot)).toThrow();
    const raw = Buffer.from(ballot.slice(3), 'base64url');
    raw[20] = raw[20]! ^ 1;
    expect(() => sealer.open('m1', 'v1', `b1.${raw.toString('base64url')}`)).toThrow();
  });

  it('gives each vote a key fingerprint that tells a node with another secret apart', () => {
    expect(sealer.keyCheck('m1', 'v1')).toBe(new BallotSealer('a-ballot-secret-of-at-least-32-characters').keyCheck('m1', 'v1'));
    expect(sealer.keyCheck('m1', 'v1')).not.toBe(sealer.keyCheck('m1', 'v2'));
    expect(sealer.keyCheck('m1', 'v1')).not.toBe(new BallotSealer('another-ballot-secret-of-32-characters!').keyCheck('m1', 'v1'));
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
