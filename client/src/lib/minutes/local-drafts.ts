import type { RichDoc } from '@ehop/protocol';

/**
 * Unsaved section text kept in this browser's localStorage until the server has it: a tab that
 * closes or crashes inside the autosave delay, or while the connection is down, still has the
 * text when the minutes open again. It is reapplied only on the revision it was typed on; if the
 * server's section moved on meanwhile, the server's text wins.
 */
export interface LocalDraft {
  baseRevision: number;
  doc: RichDoc;
}

const key = (meetingId: string, sectionId: string) => `ehop.minutes-draft.${meetingId}.${sectionId}`;

export function readLocalDraft(meetingId: string, sectionId: string): LocalDraft | null {
  try {
    const raw = localStorage.getItem(key(meetingId, sectionId));
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<LocalDraft>;
    return typeof parsed.baseRevision === 'number' && parsed.doc && typeof parsed.doc === 'object' ? (parsed as LocalDraft) : null;
  } catch {
    return null;
  }
}

export function writeLocalDraft(meetingId: string, sectionId: string, draft: LocalDraft): void {
  try {
    localStorage.setItem(key(meetingId, sectionId), JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the autosave still runs; only the extra safety net is missing.
  }
}

export function removeLocalDraft(meetingId: string, sectionId: string): void {
  try {
    localStorage.removeItem(key(meetingId, sectionId));
  } catch {
    // Nothing to clean up when storage is unavailable.
  }
}
