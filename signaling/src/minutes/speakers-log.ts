import { Id } from '@ehop/protocol';
import { z } from 'zod';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/**
 * One turn to speak, as the minutes need it. Floor control (conference/) writes the full entry;
 * the minutes depend only on these fields, so floor control can add more without touching them.
 */
export const SpokenTurn = z.object({
  userId: Id,
  displayName: z.string(),
  unitName: z.string(),
  agendaItemId: Id.nullable(),
  grantedAt: z.iso.datetime(),
  durationSec: z.number().int().min(0),
});
export type SpokenTurn = z.infer<typeof SpokenTurn>;

/** Where the minutes read who spoke: the speakers log of floor control. */
export interface SpeakersLog {
  /** Every finished turn of the meeting, oldest first. */
  turns(meetingId: string): Promise<SpokenTurn[]>;
}

/**
 * Reads floor control's log straight from Redis (a list of JSON entries, oldest first). An entry
 * that does not parse is skipped: a damaged line must not keep the secretary from the minutes.
 */
export class RedisSpeakersLog implements SpeakersLog {
  constructor(private readonly redis: RedisClient) {}

  async turns(meetingId: string): Promise<SpokenTurn[]> {
    const lines = await this.redis.lRange(keys.meetingFloorLog(meetingId), 0, -1);
    return lines.flatMap((line) => {
      const parsed = SpokenTurn.safeParse(safeJson(line));
      return parsed.success ? [parsed.data] : [];
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
