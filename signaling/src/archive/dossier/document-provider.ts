import { stat } from 'node:fs/promises';
import { canSeeDocument } from '../../documents/document-access.js';
import type { BlobStore } from '../../documents/blob-store.js';
import type { DocumentRepository, StoredDocument } from '../../documents/document-repository.js';
import type { DossierContext, DossierItem, DossierProvider } from './dossier-item.js';
import { safeFileName } from './file-names.js';

/**
 * The meeting's documents: the stored PDF of each (the uploaded PDF itself, or the PDF converted
 * from a Word/Excel/PowerPoint upload — the Office original is not kept by the documents feature).
 * Unpublished ones only for the chair and secretary, as in the meeting.
 */
export class DocumentDossierProvider implements DossierProvider {
  readonly kind = 'document' as const;

  constructor(
    private readonly documents: DocumentRepository,
    private readonly blobs: BlobStore,
  ) {}

  async items({ meeting, role }: DossierContext): Promise<DossierItem[]> {
    const all = await this.documents.listForMeeting(meeting.id);
    // An administrator outside the meeting sees what its ordinary members see.
    const visible = all.filter((document) => canSeeDocument(document, role ?? 'observer'));
    return Promise.all(visible.map((document) => this.item(document)));
  }

  private async item(document: StoredDocument): Promise<DossierItem> {
    const path = this.blobs.pathOf(document.sha256);
    const { size } = await stat(path);
    const title =
      document.sourceType === 'pdf' ? document.title : `${document.title} (PDF chuyển từ ${SOURCE_NAMES[document.sourceType]})`;
    return {
      kind: 'document',
      title,
      fileName: `tai-lieu/${safeFileName(document.title, '.pdf', 'tai-lieu')}`,
      mediaType: 'application/pdf',
      sizeBytes: size,
      sha256: document.sha256,
      confidential: document.confidential,
      documentId: document.id,
      content: { type: 'file', path },
    };
  }
}

const SOURCE_NAMES = { pdf: 'PDF', word: 'Word', excel: 'Excel', powerpoint: 'PowerPoint' } as const;

/** Published documents only: what any member could have read, so what the archive search may reveal. */
export function searchableDocuments(documents: readonly StoredDocument[]): StoredDocument[] {
  return documents.filter((document) => document.published);
}
