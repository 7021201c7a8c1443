import { Minutes, MinutesVersionInfo } from '@ehop/protocol';
import { z } from 'zod';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/**
 * Writes the minutes as version ARGV[1] + 1 only if the stored version is still ARGV[1], and
 * records the version history in the same step:
 * - an edit by the same person on the same section within the save window (ARGV[4] is that
 *   window's key) replaces the newest history entry, so typing makes one version per window;
 * - anything else (another section, another person, a status change: ARGV[4] = '') pushes a new
 *   entry, and the list is trimmed to the newest ARGV[7].
 */
const WRITE_WITH_HISTORY = `
local stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if stored ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'version', tostring(stored + 1), 'state', ARGV[2])
local now = tonumber(ARGV[5])
local merge = false
if ARGV[4] ~= '' and redis.call('HGET', KEYS[3], 'key') == ARGV[4] then
  local started = tonumber(redis.call('HGET', KEYS[3], 'start') or '0')
  merge = now - started < tonumber(ARGV[6]) and redis.call('LLEN', KEYS[2]) > 0
end
if merge then
  redis.call('LSET', KEYS[2], 0, ARGV[3])
else
  redis.call('LPUSH', KEYS[2], ARGV[3])
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[7]) - 1)
  if ARGV[4] ~= '' then
    redis.call('HSET', KEYS[3], 'key', ARGV[4], 'start', ARGV[5])
  else
    redis.call('DEL', KEYS[3])
  end
end
return 1
`;

/** Autosaves by one person on one section within this window share one version. */
export const SAVE_WINDOW_MS = 2 * 60 * 1000;
/** Versions kept per meeting (older ones drop off). */
export const MAX_VERSIONS = 100;

const VersionEntry = z.object({ info: MinutesVersionInfo, minutes: Minutes });
export type VersionEntry = z.infer<typeof VersionEntry>;

export interface Stored {
  version: number;
  minutes: Minutes;
}

/** The minutes of each meeting and their version history, in Redis (AOF keeps them across restarts). */
export class MinutesRepository {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: { saveWindowMs: number; maxVersions: number } = { saveWindowMs: SAVE_WINDOW_MS, maxVersions: MAX_VERSIONS },
  ) {}

  async read(meetingId: string): Promise<Stored | null> {
    const fields = await this.redis.hGetAll(keys.meetingMinutes(meetingId));
    if (!fields['state']) return null;
    return { version: Number(fields['version']), minutes: Minutes.parse(JSON.parse(fields['state'])) };
  }

  /**
   * Stores `minutes` if the stored version is still `expectedVersion` (0: none yet) and records
   * the version; false when someone else wrote first. `windowKey` null: always a new version.
   */
  async write(expectedVersion: number, minutes: Minutes, info: MinutesVersionInfo, windowKey: string | null): Promise<boolean> {
    const record = Minutes.parse(minutes);
    const entry = JSON.stringify(VersionEntry.parse({ info, minutes: record }));
    const written = await this.redis.eval(WRITE_WITH_HISTORY, {
      keys: [keys.meetingMinutes(record.meetingId), keys.minutesVersions(record.meetingId), keys.minutesSaveWindow(record.meetingId)],
      arguments: [
        String(expectedVersion),
        JSON.stringify(record),
        entry,
        windowKey ?? '',
        String(Date.parse(info.savedAt)),
        String(this.options.saveWindowMs),
        String(this.options.maxVersions),
      ],
    });
    return written === 1;
  }

  /** The history, newest first, without the snapshots. */
  async versions(meetingId: string): Promise<MinutesVersionInfo[]> {
    return (await this.entries(meetingId)).map((entry) => entry.info);
  }

  async version(meetingId: string, revision: number): Promise<VersionEntry | null> {
    return (await this.entries(meetingId)).find((entry) => entry.info.revision === revision) ?? null;
  }

  /** Forgets a meeting's minutes (the demo seed starts the demo meeting afresh). */
  async clear(meetingId: string): Promise<void> {
    await this.redis.del([keys.meetingMinutes(meetingId), keys.minutesVersions(meetingId), keys.minutesSaveWindow(meetingId)]);
  }

  private async entries(meetingId: string): Promise<VersionEntry[]> {
    const lines = await this.redis.lRange(keys.minutesVersions(meetingId), 0, -1);
    return lines.map((line) => VersionEntry.parse(JSON.parse(line)));
  }
}
