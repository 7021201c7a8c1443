import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import {
  RequestError,
  type DocumentSourceType,
  type DocumentUploadFields,
  type UploadProgress,
  type User,
} from '@ehop/protocol';
import type { Logger } from '../logger.js';
import type { MeetingRepository } from '../meetings/meeting-repository.js';
import type { BlobStore } from './blob-store.js';
import { requireDocumentsOpen } from './document-access.js';
import type { DocumentNotifier } from './document-notifier.js';
import type { DocumentRepository, StoredDocument } from './document-repository.js';
import { detectDocumentType } from './file-type.js';
import { hashFile } from './hash-file.js';
import type { OfficeConverter } from './office-converter.js';
import { checkPdf } from './pdf-check.js';
import type { ReceivedFile } from './receive-upload.js';

export interface IntakeDeps {
  /** To refuse a document whose meeting ended while it was being received or converted. */
  meetings: MeetingRepository;
  blobs: BlobStore;
  documents: DocumentRepository;
  converter: OfficeConverter;
  notifier: DocumentNotifier;
  logger: Logger;
}

export interface UploadContext {
  meetingId: string;
  uploader: User;
  sessionId: string;
  fields: DocumentUploadFields;
  file: ReceivedFile;
  /** The upload's private folder: intake owns it from here and removes it when done. */
  workDir: string;
}

/** What LibreOffice is told the file is (it reads the content, but the extension picks the import filter faster). */
const SOURCE_EXTENSIONS: Record<Exclude<DocumentSourceType, 'pdf'>, string> = {
  word: '.docx',
  excel: '.xlsx',
  powerpoint: '.pptx',
};

/**
 * Turns a received file into a document, or refuses it leaving nothing behind (no file, no
 * record). A PDF is checked and stored at once; an Office file is answered `queued` and
 * converted in the background, its progress pushed to the uploader's browser.
 */
export class DocumentIntake {
  constructor(private readonly deps: IntakeDeps) {}

  async accept(upload: UploadContext): Promise<UploadProgress> {
    const uploadId = newId('up');
    let handedOver = false;
    try {
      const type = await detectDocumentType(upload.file.path);
      if (!type) {
        throw new RequestError('unsupported_file_type', 'This file is not a PDF, Word, Excel or PowerPoint document');
      }
      if (type === 'pdf') {
        const { pageCount } = await checkPdf(upload.file.path);
        const document = await this.store(upload, 'pdf', upload.file.path, { ...upload.file, pageCount });
        return { uploadId, meetingId: upload.meetingId, fileName: upload.file.fileName, status: 'ready', document: publicView(document) };
      }
      const queued = await this.queueConversion(uploadId, upload, type);
      handedOver = true;
      return queued;
    } finally {
      if (!handedOver) await rm(upload.workDir, { recursive: true, force: true });
    }
  }

  private async queueConversion(uploadId: string, upload: UploadContext, type: Exclude<DocumentSourceType, 'pdf'>): Promise<UploadProgress> {
    const base = { uploadId, meetingId: upload.meetingId, fileName: upload.file.fileName };
    const tell = (progress: Omit<UploadProgress, keyof typeof base>) =>
      this.deps.notifier.uploadProgress(upload.sessionId, { ...base, ...progress });

    const sourcePath = join(upload.workDir, `source${SOURCE_EXTENSIONS[type]}`);
    await rename(upload.file.path, sourcePath);
    let queuePosition = 0;
    const pdfReady = this.deps.converter.convert(sourcePath, upload.workDir, {
      onQueued: (position) => (queuePosition = position),
      onStart: () => tell({ status: 'converting' }),
    });
    const converted = pdfReady.then(async (pdfPath) => {
      const { pageCount } = await checkPdf(pdfPath);
      const { sha256, sizeBytes } = await hashFile(pdfPath);
      return this.store(upload, type, pdfPath, { sha256, sizeBytes, pageCount });
    });
    converted
      .then(
        (document) => tell({ status: 'ready', document: publicView(document) }),
        (error: unknown) => tell({ status: 'failed', error: conversionError(error, this.deps.logger) }),
      )
      .finally(() => rm(upload.workDir, { recursive: true, force: true }))
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'cleanup after conversion failed'));

    return { ...base, status: 'queued', queuePosition };
  }

  /**
   * The file goes into the content-addressed store first, then the record: a record never points
   * at nothing. A meeting that ended meanwhile (a conversion takes seconds to minutes) gets nothing.
   */
  private async store(
    upload: UploadContext,
    sourceType: DocumentSourceType,
    pdfPath: string,
    facts: { sha256: string; sizeBytes: number; pageCount: number },
  ): Promise<StoredDocument> {
    const meeting = await this.deps.meetings.get(upload.meetingId);
    if (!meeting) throw new RequestError('not_found', 'Meeting not found');
    requireDocumentsOpen(meeting);
    const document: StoredDocument = {
      id: newId('d'),
      meetingId: upload.meetingId,
      agendaItemId: upload.fields.agendaItemId ?? null,
      title: upload.fields.title ?? titleFromFileName(upload.file.fileName),
      fileName: upload.file.fileName.slice(0, 300),
      sourceType,
      pageCount: facts.pageCount,
      sizeBytes: facts.sizeBytes,
      confidential: upload.fields.confidential,
      published: upload.fields.published,
      uploadedBy: { userId: upload.uploader.id, displayName: upload.uploader.displayName },
      uploadedAt: new Date().toISOString(),
      sha256: facts.sha256,
    };
    await this.deps.blobs.put(pdfPath, facts.sha256);
    await this.deps.documents.create(document);
    this.deps.notifier.listChanged(upload.meetingId);
    return document;
  }
}

/** The record without the storage detail. */
export function publicView({ sha256: _sha256, ...document }: StoredDocument) {
  return document;
}

function newId(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('base64url')}`;
}

function titleFromFileName(fileName: string): string {
  const name = basename(fileName, extname(fileName)).trim();
  return (name || fileName || 'Tài liệu').slice(0, 300);
}

function conversionError(error: unknown, logger: Logger): NonNullable<UploadProgress['error']> {
  if (error instanceof RequestError) return { code: error.code, message: error.message };
  logger.error({ err: error }, 'document conversion failed unexpectedly');
  return { code: 'conversion_failed', message: 'The file could not be converted to PDF' };
}
