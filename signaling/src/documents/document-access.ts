import { RequestError, type MeetingRole } from '@ehop/protocol';
import type { StoredDocument } from './document-repository.js';

/** Chair and secretary run the meeting's papers: upload, edit, delete, see who read what. */
export function canManageDocuments(role: MeetingRole): boolean {
  return role === 'chair' || role === 'secretary';
}

/** Unpublished documents are the organisers' drafts: other members do not see them at all. */
export function canSeeDocument(document: StoredDocument, role: MeetingRole): boolean {
  return document.published || canManageDocuments(role);
}

/** The document if it belongs to this meeting and the caller may see it; not_found otherwise (no hint it exists). */
export function requireVisibleDocument(document: StoredDocument | null, meetingId: string, role: MeetingRole): StoredDocument {
  if (!document || document.meetingId !== meetingId || !canSeeDocument(document, role)) {
    throw new RequestError('not_found', 'Document not found');
  }
  return document;
}

export function requireDocumentManager(role: MeetingRole): void {
  if (!canManageDocuments(role)) throw new RequestError('forbidden', 'Only the chair and the secretary manage documents');
}
