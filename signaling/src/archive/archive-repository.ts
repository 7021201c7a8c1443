import { ArchiveUnit, Id } from '@ehop/protocol';
import { z } from 'zod';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/**
 * What the archive keeps per ended meeting for its search: the metadata the list shows and the
 * text of its minutes and (published) documents. The dossier's files are not copied: they stay
 * where their features store them and are read when the dossier is opened or exported.
 */
export const ArchiveRecord = z.object({
  meetingId: Id,
  title: z.string(),
  startsAt: z.iso.datetime(),
  location: z.string(),
  archivedAt: z.iso.datetime(),
  units: z.array(ArchiveUnit),
  minutesText: z.string(),
  documentsText: z.string(),
});
export type ArchiveRecord = z.infer<typeof ArchiveRecord>;

/** The records in one Redis hash (the source of truth every node's index is built from) and a pub/sub channel. */
export class ArchiveRepository {
  constructor(private readonly redis: RedisClient) {}

  /** Stores the record and tells every signaling node (their index picks it up). */
  async save(record: ArchiveRecord): Promise<void> {
    const parsed = ArchiveRecord.parse(record);
    await this.redis.hSet(keys.archiveRecords(), parsed.meetingId, JSON.stringify(parsed));
    await this.redis.publish(keys.archiveChannel(), parsed.meetingId);
  }

  async get(meetingId: string): Promise<ArchiveRecord | null> {
    const json = await this.redis.hGet(keys.archiveRecords(), meetingId);
    return json ? parseRecord(json) : null;
  }

  async has(meetingId: string): Promise<boolean> {
    return (await this.redis.hExists(keys.archiveRecords(), meetingId)) === 1;
  }

  /** Every record, read in pages so a large archive never blocks Redis with one huge reply. */
  async *all(): AsyncGenerator<ArchiveRecord> {
    for await (const entries of this.redis.hScanIterator(keys.archiveRecords(), { COUNT: 200 })) {
      for (const { value } of entries) {
        const record = parseRecord(value);
        if (record) yield record;
      }
    }
  }
}

/** A damaged record is skipped (and rebuilt by the next reconcile) rather than breaking the whole index. */
function parseRecord(json: string): ArchiveRecord | null {
  try {
    const parsed = ArchiveRecord.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
