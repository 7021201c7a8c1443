import { DEFAULT_QUORUM, Id, MeetingRole, MeetingSummary, QuorumRule, RequestError } from '@ehop/protocol';
import { z } from 'zod';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/** A meeting as stored: the summary fields every member sees, plus who is invited in which role. */
export const StoredMeeting = MeetingSummary.omit({ myRole: true }).extend({
  members: z.array(z.object({ userId: Id, role: MeetingRole })),
  /** The administrator who created it (sees it while it is a draft); null for seeded meetings. */
  organizerId: Id.nullable().default(null),
  invitedUnitIds: z.array(Id).default([]),
  quorum: QuorumRule.default(DEFAULT_QUORUM),
});
export type StoredMeeting = z.infer<typeof StoredMeeting>;
/** What callers hand to save(): the fields with defaults may be left out. */
export type NewStoredMeeting = z.input<typeof StoredMeeting>;

const MAX_UPDATE_ATTEMPTS = 5;
const SET_IF_UNCHANGED = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;

/** Meetings as JSON strings, with a per-user set of meeting ids for "my meetings". */
export class MeetingRepository {
  constructor(private readonly redis: RedisClient) {}

  async save(meeting: NewStoredMeeting): Promise<void> {
    const record = StoredMeeting.parse(meeting);
    const previous = await this.get(record.id);
    const memberIds = new Set(record.members.map((member) => member.userId));
    const removed = (previous?.members ?? []).filter((member) => !memberIds.has(member.userId));
    const tx = this.redis.multi().set(keys.meeting(record.id), JSON.stringify(record)).sAdd(keys.meetingIndex(), record.id);
    for (const userId of memberIds) tx.sAdd(keys.userMeetings(userId), record.id);
    for (const member of removed) tx.sRem(keys.userMeetings(member.userId), record.id);
    await tx.exec();
  }

  /**
   * Reads the meeting, applies `change` and writes the result only if nobody changed the record
   * in between (compare-and-set on the stored JSON), retrying otherwise: a status change and an
   * organiser's edit never undo each other. `change` may throw to refuse; null if there is no meeting.
   */
  async update(meetingId: string, change: (meeting: StoredMeeting) => StoredMeeting): Promise<StoredMeeting | null> {
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const json = await this.redis.get(keys.meeting(meetingId));
      if (!json) return null;
      const previous = StoredMeeting.parse(JSON.parse(json));
      const next = StoredMeeting.parse({ ...change(previous), id: meetingId });
      const written = await this.redis.eval(SET_IF_UNCHANGED, {
        keys: [keys.meeting(meetingId)],
        arguments: [json, JSON.stringify(next)],
      });
      if (written !== 1) continue;
      await this.updateMemberIndexes(previous, next);
      return next;
    }
    throw new RequestError('conflict', 'The meeting is being changed by someone else; please try again');
  }

  private async updateMemberIndexes(previous: StoredMeeting, next: StoredMeeting): Promise<void> {
    const memberIds = new Set(next.members.map((member) => member.userId));
    const tx = this.redis.multi();
    for (const userId of memberIds) tx.sAdd(keys.userMeetings(userId), next.id);
    for (const member of previous.members) if (!memberIds.has(member.userId)) tx.sRem(keys.userMeetings(member.userId), next.id);
    await tx.exec();
  }

  async get(meetingId: string): Promise<StoredMeeting | null> {
    const json = await this.redis.get(keys.meeting(meetingId));
    return json ? StoredMeeting.parse(JSON.parse(json)) : null;
  }

  /** Every meeting the user is a member of (in any role). */
  async listForUser(userId: string): Promise<StoredMeeting[]> {
    return this.getMany(await this.redis.sMembers(keys.userMeetings(userId)));
  }

  /** The ids of the meetings the user is a member of (no records read: cheap for long histories). */
  async memberMeetingIds(userId: string): Promise<string[]> {
    return this.redis.sMembers(keys.userMeetings(userId));
  }

  /** Every meeting, for the organisers. */
  async listAll(): Promise<StoredMeeting[]> {
    return this.getMany(await this.redis.sMembers(keys.meetingIndex()));
  }

  private async getMany(ids: string[]): Promise<StoredMeeting[]> {
    if (ids.length === 0) return [];
    const records = await this.redis.mGet(ids.map((id) => keys.meeting(id)));
    return records
      .filter((json): json is string => typeof json === 'string')
      .map((json) => StoredMeeting.parse(JSON.parse(json)));
  }
}

export function roleOf(meeting: StoredMeeting, userId: string): MeetingRole | null {
  return meeting.members.find((member) => member.userId === userId)?.role ?? null;
}
