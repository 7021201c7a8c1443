import { z } from 'zod';
import { Id, MeetingRole } from './domain.js';

/*
 * The meeting archive (lưu trữ): an ended meeting becomes a dossier (hồ sơ cuộc họp) of parts,
 * searchable by date, title, unit and the full text of its minutes and documents, and exported
 * as a ZIP with a manifest. HTTP only (`/api/archive/...`).
 */

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');

/** `GET /api/archive?q=&from=&to=&unitId=&scope=&limit=`: query strings, so every field is text. */
export const ArchiveSearchQuery = z
  .strictObject({
    /** Words to find; matched with or without Vietnamese diacritics. Empty: every meeting the filters keep. */
    q: z.string().trim().max(200).default(''),
    /** `title`: the words must be in the title; `all`: in the title, minutes or documents. */
    scope: z.enum(['all', 'title']).default('all'),
    /** Meetings that started on or after this day (Vietnam time). */
    from: day.optional(),
    /** Meetings that started on or before this day (Vietnam time). */
    to: day.optional(),
    unitId: Id.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .refine((query) => !query.from || !query.to || query.from <= query.to, { message: '`from` is after `to`', path: ['from'] });
export type ArchiveSearchQuery = z.infer<typeof ArchiveSearchQuery>;

export const ArchiveUnit = z.object({ id: Id, name: z.string() });
export type ArchiveUnit = z.infer<typeof ArchiveUnit>;

/** What every view of an archived meeting says about it. */
export const ArchivedMeeting = z.object({
  meetingId: Id,
  title: z.string(),
  startsAt: z.iso.datetime(),
  location: z.string(),
  archivedAt: z.iso.datetime(),
  units: z.array(ArchiveUnit),
});
export type ArchivedMeeting = z.infer<typeof ArchivedMeeting>;

/** The sentence of the minutes or documents that matched, with the matched words marked. */
export const ArchiveSnippet = z.object({
  /** In the original spelling; "…" where it was cut. */
  text: z.string(),
  /** The matched words: `text.slice(start, end)`, in order, not overlapping. */
  marks: z.array(z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() })),
});
export type ArchiveSnippet = z.infer<typeof ArchiveSnippet>;

/** One archived meeting in the result list. */
export const ArchiveEntry = ArchivedMeeting.extend({
  /** The sentence that matched in the minutes or documents (none for a title-only match). */
  snippet: ArchiveSnippet.nullable(),
});
export type ArchiveEntry = z.infer<typeof ArchiveEntry>;

export const ArchiveSearchResult = z.object({
  entries: z.array(ArchiveEntry),
  /** How many meetings matched (the list shows at most `limit`). */
  total: z.number().int().nonnegative(),
  /** The units of the meetings the caller can see in the archive, for the unit filter. */
  units: z.array(ArchiveUnit),
});
export type ArchiveSearchResult = z.infer<typeof ArchiveSearchResult>;

/** What a part of the dossier is. */
export const DossierPartKind = z.enum(['minutes', 'document', 'attendance', 'speakers', 'votes', 'recording']);
export type DossierPartKind = z.infer<typeof DossierPartKind>;

/** One file of the ZIP as `manifest.json` describes it. */
export const ManifestItem = z.object({
  kind: DossierPartKind,
  title: z.string(),
  /** The file's path inside the ZIP. */
  fileName: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  mediaType: z.string(),
  /** Known ahead for stored and generated files. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  confidential: z.boolean(),
});
export type ManifestItem = z.infer<typeof ManifestItem>;

/** One part of a dossier as the caller sees it: its manifest item, and what the caller may do with it. */
export const DossierPart = ManifestItem.extend({
  /**
   * False for a confidential document when the caller is not the meeting's chair or secretary:
   * listed (and viewable with a watermark in the meeting) but left out of the ZIP.
   */
  inZip: z.boolean(),
  /** For a document: its id, to open it in the viewer. */
  documentId: Id.nullable(),
});
export type DossierPart = z.infer<typeof DossierPart>;

/** `GET /api/archive/:meetingId`. */
export const Dossier = ArchivedMeeting.extend({
  /** The caller's role in the meeting (null: an administrator who is not a member). */
  myRole: MeetingRole.nullable(),
  parts: z.array(DossierPart),
});
export type Dossier = z.infer<typeof Dossier>;


/** `manifest.json` at the root of an exported dossier. */
export const DossierManifest = z.object({
  format: z.literal('ehop-dossier/1'),
  exportedAt: z.iso.datetime(),
  exportedBy: z.object({ userId: Id, displayName: z.string() }),
  meeting: z.object({
    id: Id,
    title: z.string(),
    startsAt: z.iso.datetime(),
    location: z.string(),
    archivedAt: z.iso.datetime(),
    units: z.array(ArchiveUnit),
    members: z.array(z.object({ userId: Id, displayName: z.string(), role: MeetingRole })),
  }),
  items: z.array(ManifestItem),
  /** Parts the exporter may list but not take away (confidential documents), without their content. */
  withheld: z.array(z.object({ kind: DossierPartKind, title: z.string(), reason: z.literal('confidential') })),
});
export type DossierManifest = z.infer<typeof DossierManifest>;
