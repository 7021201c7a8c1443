import { z } from 'zod';
import { Id } from './domain.js';
import { DocumentParams } from './documents.js';

/*
 * Personal notes (ghi chú cá nhân) on a meeting document: highlighted areas of pages, each with
 * an optional comment, and free text per document. They belong to one person: every route acts on
 * the caller's own notes, and no route takes another user's id.
 */

/** Free text per document (about ten pages of typing). */
export const MAX_NOTE_TEXT_LENGTH = 20_000;
export const MAX_ANNOTATIONS_PER_DOCUMENT = 300;
export const MAX_ANNOTATION_COMMENT_LENGTH = 1_000;
/** A highlight narrower or lower than this (a click, not a drag) is refused. */
export const MIN_HIGHLIGHT_SIZE = 0.005;

const Fraction = z.number().min(0).max(1);
/** Allowance for floating-point sums such as 0.1 + 0.9. */
const EPSILON = 1e-9;

/**
 * An area of a page in fractions of the page's width and height, from its top-left corner, so
 * it covers the same words at any zoom or screen size.
 */
export const HighlightRect = z
  .object({
    x: Fraction,
    y: Fraction,
    width: Fraction.min(MIN_HIGHLIGHT_SIZE),
    height: Fraction.min(MIN_HIGHLIGHT_SIZE),
  })
  .refine((rect) => rect.x + rect.width <= 1 + EPSILON && rect.y + rect.height <= 1 + EPSILON, 'The area must lie on the page');
export type HighlightRect = z.infer<typeof HighlightRect>;

export const AnnotationComment = z.string().max(MAX_ANNOTATION_COMMENT_LENGTH);

export const Annotation = z.object({
  id: Id,
  /** 1-based; the server checks it against the document's page count. */
  page: z.number().int().positive().max(100_000),
  rect: HighlightRect,
  comment: AnnotationComment,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Annotation = z.infer<typeof Annotation>;

/** `GET .../documents/:documentId/notes`: the caller's own notes on the document. */
export const DocumentNotes = z.object({
  documentId: Id,
  text: z.string().max(MAX_NOTE_TEXT_LENGTH),
  /** By page, then by creation. */
  annotations: z.array(Annotation).max(MAX_ANNOTATIONS_PER_DOCUMENT),
  /** When the text was last saved; null before the first save. */
  textUpdatedAt: z.iso.datetime().nullable(),
});
export type DocumentNotes = z.infer<typeof DocumentNotes>;

/** `PUT .../notes/text`: the whole text, as typed (autosaved). */
export const NoteTextUpdate = z.object({ text: z.string().max(MAX_NOTE_TEXT_LENGTH) });
export type NoteTextUpdate = z.infer<typeof NoteTextUpdate>;

export const NoteTextSaved = z.object({ textUpdatedAt: z.iso.datetime() });
export type NoteTextSaved = z.infer<typeof NoteTextSaved>;

/** `POST .../notes/annotations`. */
export const NewAnnotation = z.object({
  page: z.number().int().positive().max(100_000),
  rect: HighlightRect,
  comment: AnnotationComment.default(''),
});
export type NewAnnotation = z.input<typeof NewAnnotation>;

/** `PATCH .../notes/annotations/:annotationId`. */
export const AnnotationPatch = z.object({ comment: AnnotationComment });
export type AnnotationPatch = z.infer<typeof AnnotationPatch>;

export const AnnotationParams = DocumentParams.extend({ annotationId: Id });

/** `GET .../notes/export?lang=`: the language of the exported PDF's labels. */
export const NotesExportQuery = z.object({ lang: z.enum(['vi', 'en']).default('vi') });
