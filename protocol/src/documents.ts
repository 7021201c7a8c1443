import { z } from 'zod';
import { ErrorCode } from './result.js';
import { Id, MeetingRole } from './domain.js';

/*
 * Meeting documents (PDFs, and Office files converted to PDF on the server) and presenting one
 * of them with every participant's viewer following. HTTP carries the files; socket.io carries
 * conversion progress, list changes and the presentation state.
 */

/** What the uploaded bytes turned out to be (decided by content, never by the file name). */
export const DocumentSourceType = z.enum(['pdf', 'word', 'excel', 'powerpoint']);
export type DocumentSourceType = z.infer<typeof DocumentSourceType>;

/** A finished document: its PDF is on disk and it can be opened. */
export const DocumentInfo = z.object({
  id: Id,
  meetingId: Id,
  /** The agenda item it belongs to (agenda items are managed elsewhere; only the id is kept). */
  agendaItemId: Id.nullable(),
  title: z.string().min(1).max(300),
  /** The uploaded file's name, for the download's file name. */
  fileName: z.string().min(1).max(300),
  sourceType: DocumentSourceType,
  pageCount: z.number().int().positive(),
  /** Size of the PDF in bytes. */
  sizeBytes: z.number().int().nonnegative(),
  /** View only: no download, every page watermarked with the viewer's name. */
  confidential: z.boolean(),
  /** Chair and secretary always see the document; other members only once it is published. */
  published: z.boolean(),
  uploadedBy: z.object({ userId: Id, displayName: z.string() }),
  uploadedAt: z.iso.datetime(),
});
export type DocumentInfo = z.infer<typeof DocumentInfo>;

/** `GET /api/meetings/:meetingId/documents`. */
export const DocumentList = z.object({
  documents: z.array(DocumentInfo),
  /** The caller's role in the meeting (the chair also designates the presenter). */
  myRole: MeetingRole,
  /** True for the meeting's chair and secretary: upload, edit, delete, read receipts. */
  canManage: z.boolean(),
  /** True for whoever may present now (the chair, or the presenter the chair designated). */
  canPresent: z.boolean(),
  maxUploadBytes: z.number().int().positive(),
  designatedPresenterId: Id.nullable(),
});
export type DocumentList = z.infer<typeof DocumentList>;

const booleanField = z.enum(['true', 'false']).transform((value) => value === 'true');
/** The text fields of the multipart upload (`POST /api/meetings/:meetingId/documents`), besides `file`. */
export const DocumentUploadFields = z.object({
  title: z.string().trim().min(1).max(300).optional(),
  agendaItemId: Id.optional(),
  confidential: booleanField.default(false),
  published: booleanField.default(true),
});
export type DocumentUploadFields = z.infer<typeof DocumentUploadFields>;

/** `PATCH /api/meetings/:meetingId/documents/:documentId` (chair or secretary). */
export const DocumentPatch = z
  .object({
    title: z.string().trim().min(1).max(300),
    agendaItemId: Id.nullable(),
    confidential: z.boolean(),
    published: z.boolean(),
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'Nothing to change');
export type DocumentPatch = z.infer<typeof DocumentPatch>;

export const DocumentParams = z.object({
  meetingId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  documentId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
});

/** Where an upload is on its way to becoming a document. */
export const UploadStatus = z.enum(['queued', 'converting', 'ready', 'failed']);
export type UploadStatus = z.infer<typeof UploadStatus>;

/**
 * The answer to an upload (202) and every later step, pushed to the uploader as
 * `documents:upload`: queued -> converting -> ready (with the document) | failed (with the error).
 * A PDF is ready at once.
 */
export const UploadProgress = z.object({
  uploadId: Id,
  meetingId: Id,
  fileName: z.string(),
  status: UploadStatus,
  /** While queued: how many conversions are ahead of this one. */
  queuePosition: z.number().int().nonnegative().optional(),
  document: DocumentInfo.optional(),
  error: z.object({ code: ErrorCode, message: z.string() }).optional(),
});
export type UploadProgress = z.infer<typeof UploadProgress>;

/** Who opened a document (recorded when their viewer loaded it). */
export const ReadReceipt = z.object({
  userId: Id,
  displayName: z.string(),
  /** null: not opened yet. */
  openedAt: z.iso.datetime().nullable(),
});
export type ReadReceipt = z.infer<typeof ReadReceipt>;

/** Zoom as a multiple of "page width fits the viewer", so screens of any size show the same part. */
export const Zoom = z.number().min(0.25).max(4);

/**
 * What the presenter shows, kept in Redis per meeting and broadcast to everyone following.
 * `version` grows with every change, so a late or reordered message never moves a viewer back.
 */
export const PresentationState = z.object({
  meetingId: Id,
  documentId: Id,
  page: z.number().int().positive(),
  zoom: Zoom,
  presenterUserId: Id,
  presenterName: z.string(),
  version: z.number().int().nonnegative(),
  updatedAt: z.iso.datetime(),
});
export type PresentationState = z.infer<typeof PresentationState>;

const MeetingScope = z.object({ meetingId: Id });

/** socket.io requests of this feature (spread into `clientRequests`). */
export const documentRequests = {
  /**
   * Members only. Subscribes this socket to the meeting's documents and presentation (no media
   * needed: a tablet can follow the papers without joining the video). Returns the current state.
   */
  'documents:subscribe': {
    request: MeetingScope,
    response: z.object({ presentation: PresentationState.nullable() }),
  },
  'documents:unsubscribe': { request: MeetingScope, response: z.object({}) },
  /** Chair or designated presenter: start (or switch) presenting a document. */
  'presentation:start': {
    request: MeetingScope.extend({ documentId: Id, page: z.number().int().positive().default(1), zoom: Zoom.default(1) }),
    response: PresentationState,
  },
  /** Chair or the current presenter: turn the page or zoom. */
  'presentation:update': {
    request: MeetingScope.extend({ page: z.number().int().positive(), zoom: Zoom.optional() }),
    response: PresentationState,
  },
  /** Chair or the current presenter. */
  'presentation:stop': { request: MeetingScope, response: z.object({}) },
  /** Chair only: who else may present (null: only the chair). */
  'presentation:designate': {
    request: MeetingScope.extend({ userId: Id.nullable() }),
    response: z.object({ designatedPresenterId: Id.nullable() }),
  },
} as const;

/** Events of this feature (spread into `serverEvents`). */
export const documentEvents = {
  /** To the meeting's subscribers: the presentation changed (null: nobody presents). */
  'presentation:changed': z.object({ meetingId: Id, presentation: PresentationState.nullable() }),
  /** To the meeting's subscribers: re-read the document list (something was added, edited or removed). */
  'documents:changed': z.object({ meetingId: Id }),
  /** To the uploader's browser session: progress of an upload. */
  'documents:upload': UploadProgress,
} as const;
