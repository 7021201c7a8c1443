import { richText } from '@ehop/protocol';
import type { MinutesArchiveSource } from '../archive/dossier/archive-sources.js';
import type { MinutesRepository } from './minutes-repository.js';

/**
 * What the archive takes from the minutes (server-side, no caller to check): the approved PDF,
 * and the approved text for the full-text search. A draft is neither: members must not find a
 * meeting by words the chair has not approved.
 */
export function minutesArchiveSource(minutes: MinutesRepository): MinutesArchiveSource {
  const approved = async (meetingId: string) => {
    const record = (await minutes.read(meetingId))?.minutes;
    return record && record.status === 'approved' && record.pdfSha256 ? { ...record, pdfSha256: record.pdfSha256 } : null;
  };
  return {
    async approvedPdf(meetingId) {
      const record = await approved(meetingId);
      return record ? { blobSha256: record.pdfSha256, fileName: 'bien-ban.pdf' } : null;
    },
    async text(meetingId) {
      const record = await approved(meetingId);
      return record ? record.sections.map((section) => `${section.title}\n${richText(section.doc)}`).join('\n\n') : '';
    },
  };
}
