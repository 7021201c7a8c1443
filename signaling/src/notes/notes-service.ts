import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  RequestError,
  type Annotation,
  type DocumentNotes,
  type NewAnnotation,
  type User,
} from '@ehop/protocol';
import type { BlobStore } from '../documents/blob-store.js';
import { requireVisibleDocument } from '../documents/document-access.js';
import type { DocumentRepository, StoredDocument } from '../documents/document-repository.js';
import { watermarkFor } from '../documents/watermark.js';
import { vietnamDateTime } from '../format/vietnam-time.js';
import { requireMembership } from '../meetings/meeting-access.js';
import type { MeetingRepository } from '../meetings/meeting-repository.js';
import { EXPORT_LABELS, type ExportLanguage } from './export-labels.js';
import { buildNotesPdf } from './notes-export.js';
import type { NotesRepository } from './notes-repository.js';

export interface NotesServiceDeps {
  meetings: MeetingRepository;
  documents: DocumentRepository;
  blobs: BlobStore;
  notes: NotesRepository;
  now?: () => Date;
}

export interface DocumentRef {
  meetingId: string;
  documentId: string;
}

/**
 * The rules of personal notes. Every method acts on `me`'s own notes, and only on a document
 * `me` may see in a meeting `me` is a member of; no method reads or writes anyone else's notes,
 * whatever their role (chair and administrators included).
 */
export class NotesService {
  private readonly now: () => Date;

  constructor(private readonly deps: NotesServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async read(ref: DocumentRef, me: User): Promise<DocumentNotes> {
    const document = await this.visibleDocument(ref, me);
    return this.deps.notes.get(me.id, document.id);
  }

  async saveText(ref: DocumentRef, me: User, text: string): Promise<{ textUpdatedAt: string }> {
    const document = await this.visibleDocument(ref, me);
    const textUpdatedAt = this.now().toISOString();
    await this.deps.notes.saveText(me.id, document.id, text, textUpdatedAt);
    return { textUpdatedAt };
  }

  async addAnnotation(ref: DocumentRef, me: User, request: NewAnnotation & { comment: string }): Promise<Annotation> {
    const document = await this.visibleDocument(ref, me);
    requirePageOf(document, request.page);
    const at = this.now().toISOString();
    const annotation: Annotation = { id: `a-${randomBytes(9).toString('base64url')}`, ...request, createdAt: at, updatedAt: at };
    if (!(await this.deps.notes.addAnnotation(me.id, document.id, annotation))) {
      throw new RequestError('limit_reached', 'You have reached the maximum number of highlights on this document');
    }
    return annotation;
  }

  async updateComment(ref: DocumentRef, me: User, annotationId: string, comment: string): Promise<Annotation> {
    const document = await this.visibleDocument(ref, me);
    const current = await this.deps.notes.getAnnotation(me.id, document.id, annotationId);
    if (!current) throw new RequestError('not_found', 'Highlight not found');
    const updated: Annotation = { ...current, comment, updatedAt: this.now().toISOString() };
    if (!(await this.deps.notes.replaceAnnotation(me.id, document.id, updated))) throw new RequestError('not_found', 'Highlight not found');
    return updated;
  }

  async removeAnnotation(ref: DocumentRef, me: User, annotationId: string): Promise<void> {
    const document = await this.visibleDocument(ref, me);
    if (!(await this.deps.notes.removeAnnotation(me.id, document.id, annotationId))) {
      throw new RequestError('not_found', 'Highlight not found');
    }
  }

  /** The PDF of `me`'s notes on the document, and the file name to offer. */
  async exportPdf(ref: DocumentRef, me: User, language: ExportLanguage): Promise<{ pdf: Uint8Array; fileName: string }> {
    const document = await this.visibleDocument(ref, me);
    const notes = await this.deps.notes.get(me.id, document.id);
    const plan = exportPlan(document);
    const now = this.now();
    const pdf = await buildNotesPdf({
      documentPdf: plan.includePages ? await readFile(this.deps.blobs.pathOf(document.sha256)) : null,
      documentTitle: document.title,
      ownerName: me.displayName,
      exportedAt: vietnamDateTime(now),
      notes,
      watermark: plan.watermark ? watermarkFor(me, now).lines : null,
      labels: EXPORT_LABELS[language],
    });
    return { pdf, fileName: exportFileName(document.title) };
  }

  private async visibleDocument(ref: DocumentRef, me: User): Promise<StoredDocument> {
    const { role } = await requireMembership(this.deps.meetings, ref.meetingId, me.id);
    return requireVisibleDocument(await this.deps.documents.get(ref.documentId), ref.meetingId, role);
  }
}

/**
 * What the export of notes on this document may carry. A confidential document is "view only,
 * no download": an export with its pages would be a download under another name, so its export
 * holds the person's own notes only (their writing, which they keep), stamped with their name
 * like every confidential page they view. Other documents export with their pages.
 */
export function exportPlan(document: Pick<StoredDocument, 'confidential'>): { includePages: boolean; watermark: boolean } {
  return document.confidential ? { includePages: false, watermark: true } : { includePages: true, watermark: false };
}

export function requirePageOf(document: Pick<StoredDocument, 'pageCount'>, page: number): void {
  if (page > document.pageCount) throw new RequestError('invalid_payload', `The document has ${document.pageCount} pages`);
}

export function exportFileName(title: string): string {
  const base = title.replace(/\.pdf$/i, '').replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').trim() || 'tai-lieu';
  return `ghi-chu - ${base}.pdf`;
}
