import { DocumentInfo } from '@ehop/protocol';
import { z } from 'zod';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/** A document as stored: what members see, plus where its PDF is (never sent to browsers). */
export const StoredDocument = DocumentInfo.extend({ sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export type StoredDocument = z.infer<typeof StoredDocument>;

/** Document records, each meeting's list of them, who references which file, and read receipts. */
export class DocumentRepository {
  constructor(private readonly redis: RedisClient) {}

  /** Writes the record, its place in the meeting's list and its file reference in one transaction. */
  async create(document: StoredDocument): Promise<void> {
    const record = StoredDocument.parse(document);
    await this.redis
      .multi()
      .set(keys.document(record.id), JSON.stringify(record))
      .zAdd(keys.meetingDocuments(record.meetingId), { score: Date.parse(record.uploadedAt), value: record.id })
      .sAdd(keys.blobDocuments(record.sha256), record.id)
      .exec();
  }

  async get(documentId: string): Promise<StoredDocument | null> {
    const json = await this.redis.get(keys.document(documentId));
    return json ? StoredDocument.parse(JSON.parse(json)) : null;
  }

  /** The meeting's documents, oldest upload first. */
  async listForMeeting(meetingId: string): Promise<StoredDocument[]> {
    const ids = await this.redis.zRange(keys.meetingDocuments(meetingId), 0, -1);
    if (ids.length === 0) return [];
    const records = await this.redis.mGet(ids.map((id) => keys.document(id)));
    return records.filter((json): json is string => typeof json === 'string').map((json) => StoredDocument.parse(JSON.parse(json)));
  }

  async update(document: StoredDocument): Promise<void> {
    await this.redis.set(keys.document(document.id), JSON.stringify(StoredDocument.parse(document)));
  }

  /**
   * Removes the record, its receipts and its file reference. Resolves to true when no other
   * document uses the same file any more (the caller then deletes the file).
   */
  async delete(document: StoredDocument): Promise<boolean> {
    const replies = await this.redis
      .multi()
      .del([keys.document(document.id), keys.documentReceipts(document.id)])
      .zRem(keys.meetingDocuments(document.meetingId), document.id)
      .sRem(keys.blobDocuments(document.sha256), document.id)
      .sCard(keys.blobDocuments(document.sha256))
      .exec();
    return Number(replies[3]) === 0;
  }

  /** Keeps the first time: "has this person opened it, and when first". */
  async recordOpened(documentId: string, userId: string, at: Date): Promise<void> {
    await this.redis.hSetNX(keys.documentReceipts(documentId), userId, at.toISOString());
  }

  async receipts(documentId: string): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.redis.hGetAll(keys.documentReceipts(documentId))));
  }
}
