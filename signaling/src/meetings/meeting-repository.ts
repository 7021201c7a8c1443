import { Id, MeetingRole, MeetingSummary } from '@ehop/protocol';
import { z } from 'zod';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/** A meeting as stored: the summary fields every member sees, plus who is invited in which role. */
export const StoredMeeting = MeetingSummary.omit({ myRole: true }).extend({
  members: z.array(z.object({ userId: Id, role: MeetingRole })),
});
export type StoredMeeting = z.infer<typeof StoredMeeting>;

/** Meetings as JSON strings, with a per-user set of meeting ids for "my meetings". */
export class MeetingRepository {
  constructor(private readonly redis: RedisClient) {}

  async save(meeting: StoredMeeting): Promise<void> {
    const record = StoredMeeting.parse(meeting);
    const previous = await this.get(record.id);
    const memberIds = new Set(record.members.map((member) => member.userId));
    const removed = (previous?.members ?? []).filter((member) => !memberIds.has(member.userId));
    const tx = this.redis.multi().set(keys.meeting(record.id), JSON.stringify(record));
    for (const userId of memberIds) tx.sAdd(keys.userMeetings(userId), record.id);
    for (const member of removed) tx.sRem(keys.userMeetings(member.userId), record.id);
    await tx.exec();
  }

  async get(meetingId: string): Promise<StoredMeeting | null> {
    const json = await this.redis.get(keys.meeting(meetingId));
    return json ? StoredMeeting.parse(JSON.parse(json)) : null;
  }

  /** Every meeting the user is a member of (in any role). */
  async listForUser(userId: string): Promise<StoredMeeting[]> {
    const ids = await this.redis.sMembers(keys.userMeetings(userId));
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
