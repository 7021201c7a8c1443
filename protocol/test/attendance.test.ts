import { describe, expect, it } from 'vitest';
import { CheckInRequest, DEFAULT_QUORUM, QuorumRule, quorumThreshold, tallyAttendance, type MeetingRole } from '../src/index.js';

const twoThirds = { numerator: 2, denominator: 3, comparison: 'at_least' } as const;

describe('quorum threshold', () => {
  it('needs more than half by default', () => {
    expect([1, 2, 3, 4, 5, 10, 11].map((n) => quorumThreshold(n, DEFAULT_QUORUM))).toEqual([1, 2, 2, 3, 3, 6, 6]);
  });

  it('needs at least two thirds with an at_least 2/3 rule, without floating-point slips', () => {
    expect([3, 4, 6, 9, 10, 30, 120].map((n) => quorumThreshold(n, twoThirds))).toEqual([2, 3, 4, 6, 7, 20, 80]);
  });

  it('needs nobody when no delegate is invited', () => {
    expect(quorumThreshold(0, DEFAULT_QUORUM)).toBe(0);
  });

  it('refuses fractions above one and zero denominators', () => {
    expect(QuorumRule.safeParse({ numerator: 3, denominator: 2, comparison: 'at_least' }).success).toBe(false);
    expect(QuorumRule.safeParse({ numerator: 1, denominator: 0, comparison: 'at_least' }).success).toBe(false);
  });
});

describe('attendance tally', () => {
  const members: { userId: string; role: MeetingRole }[] = [
    { userId: 'chair', role: 'chair' },
    { userId: 'secretary', role: 'secretary' },
    { userId: 'd1', role: 'delegate' },
    { userId: 'd2', role: 'delegate' },
    { userId: 'd3', role: 'delegate' },
    { userId: 'd4', role: 'delegate' },
    { userId: 'ep', role: 'endpoint' },
    { userId: 'guest', role: 'observer' },
  ];

  it('counts people by status, leaves endpoints out, and bases the quorum on delegates', () => {
    const tally = tallyAttendance(
      members,
      [
        { userId: 'chair', status: 'present' },
        { userId: 'd1', status: 'present' },
        { userId: 'd2', status: 'online' },
        { userId: 'd3', status: 'absent' },
        { userId: 'ep', status: 'present' },
      ],
      DEFAULT_QUORUM,
    );
    expect(tally).toEqual({
      people: 7,
      present: 2,
      online: 1,
      absent: 1,
      notCheckedIn: 3,
      delegates: 4,
      delegatesAttending: 2,
      required: 3,
      reached: false,
    });
  });

  it('reaches the quorum with more than half of the delegates, the chair not counted', () => {
    const entries = ['d1', 'd2', 'd3'].map((userId) => ({ userId, status: 'present' as const }));
    expect(tallyAttendance(members, entries, DEFAULT_QUORUM)).toMatchObject({ delegatesAttending: 3, required: 3, reached: true });
  });

  it('ignores entries of people no longer invited', () => {
    expect(tallyAttendance(members, [{ userId: 'gone', status: 'present' }], DEFAULT_QUORUM)).toMatchObject({ present: 0, notCheckedIn: 7 });
  });

  it('never reaches a quorum without invited delegates', () => {
    expect(tallyAttendance([{ userId: 'chair', role: 'chair' }], [], DEFAULT_QUORUM)).toMatchObject({ required: 0, reached: false });
  });
});

describe('check-in requests', () => {
  it('requires a reason for an absence, and only then', () => {
    expect(CheckInRequest.safeParse({ meetingId: 'm', status: 'absent' }).success).toBe(false);
    expect(CheckInRequest.safeParse({ meetingId: 'm', status: 'absent', reason: '   ' }).success).toBe(false);
    expect(CheckInRequest.safeParse({ meetingId: 'm', status: 'absent', reason: 'Đi công tác' }).success).toBe(true);
    expect(CheckInRequest.safeParse({ meetingId: 'm', status: 'present', reason: 'x' }).success).toBe(false);
  });

  it('takes an endpoint only for online attendance', () => {
    expect(CheckInRequest.safeParse({ meetingId: 'm', status: 'online', endpointId: 'u-ep' }).success).toBe(true);
    expect(CheckInRequest.safeParse({ meetingId: 'm', status: 'present', endpointId: 'u-ep' }).success).toBe(false);
  });
});
