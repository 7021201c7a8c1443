import { Annotation, MAX_ANNOTATIONS_PER_DOCUMENT, type DocumentNotes } from '@ehop/protocol';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/**
 * Adds a highlight unless the person already has the maximum on this document, in one Redis
 * step: two tabs adding at once can never go past the limit.
 * KEYS: annotations hash, note authors set. ARGV: max, annotation id, JSON, user id.
 */
const ADD_ANNOTATION = `
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[4])
return 1
`;

/** Replaces a highlight only if it still exists (a deleted one is not brought back). */
const REPLACE_ANNOTATION = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

/**
 * One person's notes on one document. Every method takes the owner's id: the key is built from
 * it, so a caller can only ever reach the notes of the user it passes (the routes pass the
 * signed-in user, never an id from the request).
 */
export class NotesRepository {
  constructor(private readonly redis: RedisClient) {}

  async get(userId: string, documentId: string): Promise<DocumentNotes> {
    const [fields, annotations] = await Promise.all([
      this.redis.hGetAll(keys.userDocumentNotes(userId, documentId)),
      this.redis.hVals(keys.userDocumentAnnotations(userId, documentId)),
    ]);
    return {
      documentId,
      text: fields['text'] ?? '',
      annotations: sortAnnotations(annotations.map((json) => Annotation.parse(JSON.parse(json)))),
      textUpdatedAt: fields['textUpdatedAt'] || null,
    };
  }

  async saveText(userId: string, documentId: string, text: string, at: string): Promise<void> {
    await this.redis
      .multi()
      .hSet(keys.userDocumentNotes(userId, documentId), { text, textUpdatedAt: at })
      .sAdd(keys.documentNoteAuthors(documentId), userId)
      .exec();
  }

  /** False when the person already has the maximum number of highlights on the document. */
  async addAnnotation(userId: string, documentId: string, annotation: Annotation): Promise<boolean> {
    const added = await this.redis.eval(ADD_ANNOTATION, {
      keys: [keys.userDocumentAnnotations(userId, documentId), keys.documentNoteAuthors(documentId)],
      arguments: [String(MAX_ANNOTATIONS_PER_DOCUMENT), annotation.id, JSON.stringify(Annotation.parse(annotation)), userId],
    });
    return Number(added) === 1;
  }

  async getAnnotation(userId: string, documentId: string, annotationId: string): Promise<Annotation | null> {
    const json = await this.redis.hGet(keys.userDocumentAnnotations(userId, documentId), annotationId);
    return json ? Annotation.parse(JSON.parse(json)) : null;
  }

  /** False when the highlight is gone (deleted meanwhile). */
  async replaceAnnotation(userId: string, documentId: string, annotation: Annotation): Promise<boolean> {
    const replaced = await this.redis.eval(REPLACE_ANNOTATION, {
      keys: [keys.userDocumentAnnotations(userId, documentId)],
      arguments: [annotation.id, JSON.stringify(Annotation.parse(annotation))],
    });
    return Number(replaced) === 1;
  }

  /** False when there was no such highlight. */
  async removeAnnotation(userId: string, documentId: string, annotationId: string): Promise<boolean> {
    return (await this.redis.hDel(keys.userDocumentAnnotations(userId, documentId), annotationId)) === 1;
  }

  /** Everyone's notes on a deleted document go with it. */
  async deleteForDocument(documentId: string): Promise<void> {
    const authors = await this.redis.sMembers(keys.documentNoteAuthors(documentId));
    const noteKeys = authors.flatMap((userId) => [keys.userDocumentNotes(userId, documentId), keys.userDocumentAnnotations(userId, documentId)]);
    await this.redis.del([keys.documentNoteAuthors(documentId), ...noteKeys]);
  }
}

/** Reading order: by page, then top to bottom, then in the order they were made. */
export function sortAnnotations(annotations: Annotation[]): Annotation[] {
  return [...annotations].sort((a, b) => a.page - b.page || a.rect.y - b.rect.y || a.createdAt.localeCompare(b.createdAt));
}
