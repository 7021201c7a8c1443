import { Annotation, DocumentNotes, NoteTextSaved, type HighlightRect } from '@ehop/protocol';
import { send } from './documents-api.js';

const base = (meetingId: string, documentId: string) =>
  `/api/meetings/${encodeURIComponent(meetingId)}/documents/${encodeURIComponent(documentId)}/notes`;

/** The signed-in person's own notes on a document (the server never serves anyone else's). */
export const notesApi = {
  get: async (meetingId: string, documentId: string) => DocumentNotes.parse(await send('GET', base(meetingId, documentId))),
  /** `keepalive`: the request outlives the page (a last save while the tab closes or reloads). */
  saveText: async (meetingId: string, documentId: string, text: string, keepalive = false) =>
    NoteTextSaved.parse(await send('PUT', `${base(meetingId, documentId)}/text`, { text }, { keepalive })),
  addAnnotation: async (meetingId: string, documentId: string, page: number, rect: HighlightRect) =>
    Annotation.parse(await send('POST', `${base(meetingId, documentId)}/annotations`, { page, rect })),
  saveComment: async (meetingId: string, documentId: string, annotationId: string, comment: string, keepalive = false) =>
    Annotation.parse(
      await send('PATCH', `${base(meetingId, documentId)}/annotations/${encodeURIComponent(annotationId)}`, { comment }, { keepalive }),
    ),
  removeAnnotation: (meetingId: string, documentId: string, annotationId: string) =>
    send('DELETE', `${base(meetingId, documentId)}/annotations/${encodeURIComponent(annotationId)}`),
  exportUrl: (meetingId: string, documentId: string, language: string) =>
    `${base(meetingId, documentId)}/export?lang=${language === 'en' ? 'en' : 'vi'}`,
};
