import { ArchivedMeeting } from '@ehop/protocol';
import { z } from 'zod';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/**
 * What each node's search index is built from, per ended meeting: the metadata the list shows
 * and the distinct folded words of its minutes and (published) documents, space-separated. The
 * words, not the text: a node that starts reads and indexes a few kilobytes per meeting instead
 * of re-splitting and re-folding megabytes of reports. The dossier's files are not copied: they
 * stay where their features store them and are read when the dossier is opened or exported.
 */
export const ArchiveRecord = ArchivedMeeting.extend({
  minutesTerms: z.string(),
  documentsTerms: z.string(),
});
export type ArchiveRecord = z.infer<typeof ArchiveRecord>;

/** The original text, read only for the snippets of the results shown. */
export const ArchiveTexts = z.object({ minutesText: z.string(), documentsText: z.string() });
export type ArchiveTexts = z.infer<typeof ArchiveTexts>;

/** Records and texts in two Redis hashes (the source of truth every node's index is built from) and a pub/sub channel. */
export class ArchiveRepository {
  constructor(private readonly redis: RedisClient) {}

  /** Stores the record and its texts together, then tells every signaling node (their index picks it up). */
  async save(record: ArchiveRecord, texts: ArchiveTexts): Promise<void> {
    const parsed = ArchiveRecord.parse(record);
    await this.redis
      .multi()
      .hSet(keys.archiveRecords(), parsed.meetingId, JSON.stringify(parsed))
      .hSet(keys.archiveTexts(), parsed.meetingId, JSON.stringify(ArchiveTexts.parse(texts)))
      .exec();
    await this.redis.publish(keys.archiveChannel(), parsed.meetingId);
  }

  async get(meetingId: string): Promise<ArchiveRecord | null> {
    const json = await this.redis.hGet(keys.archiveRecords(), meetingId);
    return json ? parseWith(ArchiveRecord, json) : null;
  }

  async has(meetingId: string): Promise<boolean> {
    return (await this.redis.hExists(keys.archiveRecords(), meetingId)) === 1;
  }

  /** The texts of these meetings (missing ones left out). */
  async texts(meetingIds: readonly string[]): Promise<Map<string, ArchiveTexts>> {
    if (meetingIds.length === 0) return new Map();
    const values = await this.redis.hmGet(keys.archiveTexts(), [...meetingIds]);
    const texts = new Map<string, ArchiveTexts>();
    values.forEach((json, index) => {
      const parsed = json ? parseWith(ArchiveTexts, json) : null;
      if (parsed) texts.set(meetingIds[index]!, parsed);
    });
    return texts;
  }

  /** Every record, read in pages so a large archive never blocks Redis with one huge reply. */
  async *all(): AsyncGenerator<ArchiveRecord> {
    for await (const entries of this.redis.hScanIterator(keys.archiveRecords(), { COUNT: 200 })) {
      for (const { value } of entries) {
        const record = parseWith(ArchiveRecord, value);
        if (record) yield record;
      }
    }
  }
}

/** A damaged entry is skipped (and rebuilt by the next reconcile) rather than breaking the whole index. */
function parseWith<T>(schema: z.ZodType<T>, json: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
