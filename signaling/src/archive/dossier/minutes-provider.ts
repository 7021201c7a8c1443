import { stat } from 'node:fs/promises';
import type { BlobStore } from '../../documents/blob-store.js';
import { canRead } from '../../minutes/minutes-rules.js';
import type { MinutesArchiveSource } from './archive-sources.js';
import type { DossierContext, DossierItem, DossierProvider } from './dossier-item.js';
import { safeFileName } from './file-names.js';

/**
 * The approved minutes (biên bản) as PDF, from the blob store; nothing until they are approved,
 * and nothing for whom the minutes route would refuse them (canRead; not a member: refused).
 */
export class MinutesDossierProvider implements DossierProvider {
  readonly kind = 'minutes' as const;

  constructor(
    private readonly minutes: MinutesArchiveSource,
    private readonly blobs: BlobStore,
  ) {}

  async items({ meeting, role }: DossierContext): Promise<DossierItem[]> {
    if (role === null || !canRead(role, 'approved')) return [];
    const approved = await this.minutes.approvedPdf(meeting.id);
    if (!approved) return [];
    const path = this.blobs.pathOf(approved.blobSha256);
    const { size } = await stat(path);
    return [
      {
        kind: 'minutes',
        title: 'Biên bản cuộc họp',
        fileName: `bien-ban/${safeFileName(approved.fileName, '.pdf', 'bien-ban')}`,
        mediaType: 'application/pdf',
        sizeBytes: size,
        sha256: approved.blobSha256,
        confidential: false,
        withheld: false,
        documentId: null,
        content: { type: 'file', path },
      },
    ];
  }
}
