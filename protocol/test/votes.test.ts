import { describe, expect, it } from 'vitest';
import { buildVoteOptions, eligibleVoters, OpenVoteRequest, resultRows, votingMembers } from '../src/votes.js';

describe('vote tally', () => {
  it('gives each option its count and share of the delegates counted (not of the ballots cast), in option order', () => {
    const options = buildVoteOptions(undefined);
    const rows = resultRows(options, [{ optionId: 'disagree', count: 1 }, { optionId: 'agree', count: 2 }], 6);
    expect(rows.map((row) => [row.option.label, row.count, row.percent])).toEqual([
      ['Đồng ý', 2, 33.3],
      ['Không đồng ý', 1, 16.7],
      ['Không biểu quyết', 0, 0],
    ]);
  });

  it('shows 0 % everywhere when nobody voted or there is nobody to count', () => {
    expect(resultRows(buildVoteOptions(['A', 'B']), [], 5).map((row) => row.percent)).toEqual([0, 0]);
    expect(resultRows(buildVoteOptions(['A', 'B']), [{ optionId: 'o1', count: 1 }], 0).map((row) => row.percent)).toEqual([0, 0]);
  });
});

describe('vote eligibility', () => {
  const members = [
    { userId: 'chair', role: 'chair' },
    { userId: 'secretary', role: 'secretary' },
    { userId: 'present', role: 'delegate' },
    { userId: 'online', role: 'delegate' },
    { userId: 'absent', role: 'delegate' },
    { userId: 'unchecked', role: 'delegate' },
    { userId: 'endpoint', role: 'endpoint' },
  ];
  const attendance = new Map([
    ['chair', 'present'],
    ['secretary', 'present'],
    ['present', 'present'],
    ['online', 'online'],
    ['absent', 'absent'],
    ['endpoint', 'present'],
  ]);

  it('lets attending delegates vote, never the secretary, the absent or those not checked in', () => {
    expect(eligibleVoters(members, attendance, false)).toEqual(['present', 'online']);
  });

  it('counts all delegates by role for the "of all" rules, attending or not', () => {
    expect(votingMembers(members, false)).toEqual(['present', 'online', 'absent', 'unchecked']);
    expect(votingMembers(members, true)).toEqual(['chair', 'present', 'online', 'absent', 'unchecked']);
  });

  it('adds the chair only when asked and checked in', () => {
    expect(eligibleVoters(members, attendance, true)).toEqual(['chair', 'present', 'online']);
    expect(eligibleVoters(members, new Map([['present', 'present']]), true)).toEqual(['present']);
  });
});

describe('opening a vote', () => {
  const base = { meetingId: 'm', agendaItemId: 'a', question: 'Thông qua?', secret: true };

  it('takes 2..10 distinct options, or none for the default three', () => {
    expect(OpenVoteRequest.safeParse(base).success).toBe(true);
    expect(OpenVoteRequest.safeParse({ ...base, options: ['Có'] }).success).toBe(false);
    expect(OpenVoteRequest.safeParse({ ...base, options: Array.from({ length: 11 }, (_, i) => `P${i}`) }).success).toBe(false);
    expect(OpenVoteRequest.safeParse({ ...base, options: ['Có', 'có'] }).success).toBe(false);
    expect(buildVoteOptions(['Có', 'Không']).map((option) => option.id)).toEqual(['o1', 'o2']);
  });

  it('defaults the passing rule to more than half of all delegates and refuses an unknown one', () => {
    expect(OpenVoteRequest.parse(base).passingRule).toBe('majority_of_all');
    expect(OpenVoteRequest.parse({ ...base, passingRule: 'two_thirds_of_all' }).passingRule).toBe('two_thirds_of_all');
    expect(OpenVoteRequest.safeParse({ ...base, passingRule: 'unanimous' }).success).toBe(false);
  });
});
