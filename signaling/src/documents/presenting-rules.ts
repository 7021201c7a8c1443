import { RequestError, type MeetingRole, type PresentationState } from '@ehop/protocol';
import type { StoredDocument } from './document-repository.js';

/** The chair presents, and so does the one person the chair designated. */
export function mayPresent(role: MeetingRole, userId: string, designatedPresenterId: string | null): boolean {
  return role === 'chair' || userId === designatedPresenterId;
}

/**
 * Who may turn the pages of the running presentation: the chair (who can always take over),
 * or its presenter while they are still designated.
 */
export function mayControl(
  state: PresentationState,
  role: MeetingRole,
  userId: string,
  designatedPresenterId: string | null,
): boolean {
  return role === 'chair' || (state.presenterUserId === userId && designatedPresenterId === userId);
}

/** Everyone following must be able to open it: published, and the page must exist. */
export function requirePresentable(document: StoredDocument, page: number): void {
  if (!document.published) throw new RequestError('conflict', 'Publish the document before presenting it');
  requirePageInRange(document, page);
}

export function requirePageInRange(document: StoredDocument, page: number): void {
  if (page > document.pageCount) {
    throw new RequestError('invalid_payload', `Page ${page} does not exist: the document has ${document.pageCount} pages`);
  }
}
