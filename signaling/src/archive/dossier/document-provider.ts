import { stat } from 'node:fs/promises';
import { canSeeDocument, mayTakeDocumentFile } from '../../documents/document-access.js';
import type { BlobStore } from '../../documents/blob-store.js';
import type { DocumentRepository, StoredDocument } from '../../documents/document-repository.js';
import type { DossierContext, DossierItem, DossierProvider } from './dossier-item.js';
import { safeFileName } from './file-names.js';

/**
 * The meeting's documents: the stored PDF of each (the uploaded PDF itself, or the PDF converted
 * from a Word/Excel/PowerPoint upload — the Office original is not kept by the documents feature).
 * Listed and handed over by the documents route's own rules (document-access.ts): unpublished ones
 * only for the chair and secretary, confidential ones listed but withheld from everyone else, and
 * nothing for someone who is not a member (an administrator reads no meeting's documents).
 */
export class DocumentDossierProvider implements DossierProvider {
  readonly kind = 'document' as const;

  constructor(
    private readonly documents: DocumentRepository,
    private readonly blobs: BlobStore,
  ) {}

  async items({ meeting, role }: DossierContext): Promise<DossierItem[]> {
    const all = await this.documents.listForMeeting(meeting.id);
    const visible = all.filter((document) => canSeeDocument(document, role));
    return Promise.all(visible.map(async (document) => ({ ...(await this.item(document)), withheld: !mayTakeDocumentFile(document, role) })));
  }

  private async item(document: StoredDocument): Promise<Omit<DossierItem, 'withheld'>> {
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
