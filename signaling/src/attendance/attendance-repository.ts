import { AttendanceEntry } from '@ehop/protocol';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/**
 * Stamps the entry with the meeting's next attendance version and stores it, in one step, so
 * the stored entry of a person is always the one with the highest version (whichever signaling
 * node wrote last). ARGV[2] is the entry's JSON without `version`.
 */
const RECORD_ENTRY = `
local version = redis.call('INCR', KEYS[2])
local entry = '{"version":' .. version .. ',' .. string.sub(ARGV[2], 2)
redis.call('HSET', KEYS[1], ARGV[1], entry)
return entry
`;

/** RECORD_ENTRY, unless the person already has an entry (then nothing is written: false). */
const RECORD_FIRST_ENTRY = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return false end
local version = redis.call('INCR', KEYS[2])
local entry = '{"version":' .. version .. ',' .. string.sub(ARGV[2], 2)
redis.call('HSET', KEYS[1], ARGV[1], entry)
return entry
`;

export type UnversionedEntry = Omit<AttendanceEntry, 'version'>;

/** One hash per meeting (userId -> entry): 120 people checking in at once never contend. */
export class AttendanceRepository {
  constructor(private readonly redis: RedisClient) {}

  async record(meetingId: string, entry: UnversionedEntry): Promise<AttendanceEntry> {
    const stored = await this.redis.eval(RECORD_ENTRY, {
      keys: [keys.meetingAttendance(meetingId), keys.meetingAttendanceVersion(meetingId)],
      arguments: [entry.userId, JSON.stringify(entry)],
    });
    return AttendanceEntry.parse(JSON.parse(String(stored)));
  }

  /**
   * Records the entry only if the person has none yet, in one step: an entry the secretary wrote
   * a moment before is never overwritten. Null when there was one.
   */
  async recordFirst(meetingId: string, entry: UnversionedEntry): Promise<AttendanceEntry | null> {
    const stored = await this.redis.eval(RECORD_FIRST_ENTRY, {
      keys: [keys.meetingAttendance(meetingId), keys.meetingAttendanceVersion(meetingId)],
      arguments: [entry.userId, JSON.stringify(entry)],
    });
    return stored === null ? null : AttendanceEntry.parse(JSON.parse(String(stored)));
  }

  async list(meetingId: string): Promise<AttendanceEntry[]> {
    const fields = await this.redis.hGetAll(keys.meetingAttendance(meetingId));
    return Object.values(fields).map((json) => AttendanceEntry.parse(JSON.parse(json)));
  }

  async get(meetingId: string, userId: string): Promise<AttendanceEntry | null> {
    const json = await this.redis.hGet(keys.meetingAttendance(meetingId), userId);
    return json ? AttendanceEntry.parse(JSON.parse(json)) : null;
  }

  /** Forgets everyone's attendance (the version counter keeps growing, so clients never go back). */
  async clear(meetingId: string): Promise<void> {
    await this.redis.del(keys.meetingAttendance(meetingId));
  }
}
