import { createHash } from 'node:crypto';
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Minutes } from '@ehop/protocol';
import type { BlobStore } from '../documents/blob-store.js';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';
import type { StoredMeeting } from '../meetings/meeting-repository.js';
import { renderMinutesPdf, type PdfSignatories } from './minutes-pdf.js';

/** The name the approved minutes hold their PDF by in the blob's reference set (never a document id: ids have no ':'). */
export function minutesBlobReference(meetingId: string): string {
  return `minutes:${meetingId}`;
}

/**
 * Renders the approved minutes and stores the PDF in the documents' content-addressed store
 * (`documents/ab/<sha256>.pdf`), referenced like a document so removing documents never removes
 * it, and so the archive finds every file of a meeting in one place. Returns the SHA-256.
 */
export function minutesPdfPublisher(blobs: BlobStore, redis: RedisClient) {
  return async (minutes: Minutes, meeting: StoredMeeting, signatories: PdfSignatories): Promise<string> => {
    const pdf = await renderMinutesPdf(minutes, meeting, signatories);
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    const dir = await blobs.workDir();
    try {
      const file = join(dir, 'minutes.pdf');
      await writeFile(file, pdf);
      await redis.sAdd(keys.blobDocuments(sha256), minutesBlobReference(meeting.id));
      await blobs.put(file, sha256);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return sha256;
  };
}
