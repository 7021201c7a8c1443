import type { DocumentInfo, DocumentPatch } from '@ehop/protocol';

export interface DocumentEdit {
  title: string;
  agendaItemId: string | null;
  published: boolean;
}

/** What an edit changes, for `PATCH` (the server refuses an empty patch); null when nothing changed. */
export function documentPatch(document: DocumentInfo, edit: DocumentEdit): DocumentPatch | null {
  const patch: DocumentPatch = {};
  const title = edit.title.trim();
  if (title !== '' && title !== document.title) patch.title = title;
  if (edit.agendaItemId !== document.agendaItemId) patch.agendaItemId = edit.agendaItemId;
  if (edit.published !== document.published) patch.published = edit.published;
  return Object.keys(patch).length > 0 ? patch : null;
}
