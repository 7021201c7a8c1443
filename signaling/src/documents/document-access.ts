import { RequestError, type MeetingRole } from '@ehop/protocol';
import { requireNotEnded } from '../meetings/meeting-access.js';
import type { StoredMeeting } from '../meetings/meeting-repository.js';
import type { StoredDocument } from './document-repository.js';

/** Chair and secretary run the meeting's papers: upload, edit, delete, see who read what. */
export function canManageDocuments(role: MeetingRole): boolean {
  return role === 'chair' || role === 'secretary';
}

/**
 * Unpublished documents are the organisers' drafts: other members do not see them at all.
 * `role` null is someone who is not a member (administrators included): no document.
 */
export function canSeeDocument(document: StoredDocument, role: MeetingRole | null): boolean {
  return role !== null && (document.published || canManageDocuments(role));
}

/**
 * The one rule for taking a document's file away, on every path to it (the download route, the
 * archive's dossier ZIP): whoever sees a document may take it, except a confidential one, which
 * everyone views stamped with their name and only the chair and the secretary take (they
 * uploaded it, and they compile the dossier for the archives).
 */
export function mayTakeDocumentFile(document: StoredDocument, role: MeetingRole | null): boolean {
  return role !== null && canSeeDocument(document, role) && (!document.confidential || canManageDocuments(role));
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

/**
 * Once the meeting has ended its documents are part of its record (the archived dossier): none
 * is added, changed (title, agenda item, published, confidential) or deleted. A correction would
 * need versioning and an audit trail; until then it is refused.
 */
export function requireDocumentsOpen(meeting: Pick<StoredMeeting, 'status'>): void {
  requireNotEnded(meeting, 'This meeting has ended: its documents are part of its record and can no longer be added, changed or deleted');
}
