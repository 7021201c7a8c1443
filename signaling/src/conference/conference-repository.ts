import { FloorLogEntry } from '@ehop/protocol';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';
import { ConferenceRecord, initialRecord, type Transition } from './floor-state.js';

/**
 * Writes the record only if nobody changed it since we read it, and appends the log entry in the
 * same step: two signaling nodes acting at once can neither lose a change nor log a turn twice.
 */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if (current or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[3] ~= '' then redis.call('RPUSH', KEYS[2], ARGV[3]) end
return 1
`;

const MAX_ATTEMPTS = 20;

/** The floor state of each meeting, in Redis, so it survives a restart of any signaling node. */
export class ConferenceRepository {
  constructor(private readonly redis: RedisClient) {}

  async get(meetingId: string): Promise<ConferenceRecord> {
    return parse(await this.redis.get(keys.meetingConference(meetingId)));
  }

  /**
   * Applies `change` to the current record atomically (retrying when another node got there
   * first) and returns the result. `change` may throw a RequestError to refuse; nothing is written then.
   */
  async update(meetingId: string, change: (record: ConferenceRecord) => Transition): Promise<Transition> {
    const key = keys.meetingConference(meetingId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const raw = await this.redis.get(key);
      const transition = stamped(change(parse(raw)));
      const written = await this.redis.eval(COMPARE_AND_SET, {
        keys: [key, keys.meetingFloorLog(meetingId)],
        arguments: [raw ?? '', JSON.stringify(transition.record), transition.log ? JSON.stringify(transition.log) : ''],
      });
      if (written === 1) return transition;
    }
    throw new Error(`conference state of ${meetingId} kept changing under us`);
  }

  async log(meetingId: string): Promise<FloorLogEntry[]> {
    const entries = await this.redis.lRange(keys.meetingFloorLog(meetingId), 0, -1);
    return entries.flatMap((json) => {
      const parsed = FloorLogEntry.safeParse(safeJson(json));
      return parsed.success ? [parsed.data] : [];
    });
  }
}

/**
 * Versions are also the SFU's ordering of policies, and the SFU keeps a room longer than Redis may
 * keep a record (a meeting reset, a restored backup): never less than the clock, so a fresh record
 * still outranks what the SFU saw before. The compare-and-set keeps them strictly increasing.
 */
function stamped(transition: Transition): Transition {
  return { ...transition, record: { ...transition.record, version: Math.max(transition.record.version, Date.now()) } };
}

/** A meeting nobody has touched yet starts from the initial record; a damaged record too (logged upstream). */
function parse(raw: string | null): ConferenceRecord {
  if (raw === null) return initialRecord();
  const parsed = ConferenceRecord.safeParse(safeJson(raw));
  return parsed.success ? parsed.data : initialRecord();
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
