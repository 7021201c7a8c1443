import type { BlobStore } from '../documents/blob-store.js';
import type { MinutesRepository } from './minutes-repository.js';

export interface ApprovedMinutesPdf {
  /** Where the PDF is on disk (content-addressed, never changes). */
  path: string;
  sha256: string;
  approvedAt: string;
}

/**
 * For the archive (server-side, no caller to check): the approved minutes' PDF of a meeting, or
 * null while the minutes are not approved. Usage: `approvedMinutesPdf(repository, blobs)(meetingId)`.
 */
export function approvedMinutesPdf(minutes: MinutesRepository, blobs: BlobStore) {
  return async (meetingId: string): Promise<ApprovedMinutesPdf | null> => {
    const stored = await minutes.read(meetingId);
    const record = stored?.minutes;
    if (!record || record.status !== 'approved' || !record.pdfSha256 || !record.approvedAt) return null;
    return { path: blobs.pathOf(record.pdfSha256), sha256: record.pdfSha256, approvedAt: record.approvedAt };
  };
}
