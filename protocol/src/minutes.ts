import { z } from 'zod';
import { Id } from './domain.js';

/*
 * Minutes (biên bản). The secretary writes them per section (meeting details, attendance, agenda,
 * one section per agenda item with its speakers, votes and conclusion, closing) in a rich-text
 * editor, starting from a skeleton the system fills. Draft -> submitted to the chair -> approved
 * (locked; exported to PDF).
 *
 * A section's text is stored as ProseMirror JSON, the editor's own lossless format: the server
 * checks it against a small whitelist of nodes and marks (no links, no HTML, no attributes beyond
 * heading levels and list starts), so nothing a browser could run is ever stored, and the PDF
 * and the archive's full-text index read the same tree without parsing HTML.
 */

/** Deepest nesting a section may have (lists in lists in quotes is about 8): also guards the parser. */
export const MAX_RICH_DEPTH = 16;
/** Nodes per section: a long item of a provincial session is a few thousand. */
export const MAX_RICH_NODES = 20_000;
export const MAX_TEXT_LENGTH = 20_000;

export const RichMarkType = z.enum(['bold', 'italic', 'underline', 'strike']);
export const RichMark = z.object({ type: RichMarkType });
export type RichMark = z.infer<typeof RichMark>;

export const RichNodeType = z.enum([
  'doc',
  'paragraph',
  'heading',
  'bulletList',
  'orderedList',
  'listItem',
  'blockquote',
  'hardBreak',
  'text',
]);
export type RichNodeType = z.infer<typeof RichNodeType>;

export interface RichNode {
  type: RichNodeType;
  attrs?: { level?: number; start?: number } | undefined;
  content?: RichNode[] | undefined;
  text?: string | undefined;
  marks?: RichMark[] | undefined;
}

/** Only the attributes the PDF and the editor use; anything else the editor adds is dropped. */
const RichAttrs = z.object({
  level: z.number().int().min(1).max(3).optional(),
  start: z.number().int().min(0).max(10_000).optional(),
});

const RichNodeShape: z.ZodType<RichNode> = z.lazy(() =>
  z.object({
    type: RichNodeType,
    attrs: RichAttrs.optional(),
    content: z.array(RichNodeShape).max(MAX_RICH_NODES).optional(),
    text: z.string().min(1).max(MAX_TEXT_LENGTH).optional(),
    marks: z.array(RichMark).max(4).optional(),
  }),
);

/** Depth and size first, without recursion, so a hostile payload cannot exhaust the stack. */
function withinLimits(value: unknown): boolean {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 1 }];
  let count = 0;
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (++count > MAX_RICH_NODES || depth > MAX_RICH_DEPTH) return false;
    const content = typeof node === 'object' && node !== null ? (node as { content?: unknown }).content : undefined;
    if (Array.isArray(content)) for (const child of content) stack.push({ node: child, depth: depth + 1 });
  }
  return true;
}

/** A section's text: a ProseMirror `doc` made of the whitelisted nodes only. */
export const RichDoc = z
  .unknown()
  .refine(withinLimits, { message: `at most ${MAX_RICH_NODES} nodes nested ${MAX_RICH_DEPTH} deep`, abort: true })
  .pipe(RichNodeShape)
  .refine((node) => node.type === 'doc', { message: 'the root must be a doc' });
export type RichDoc = RichNode;

export const MinutesStatus = z.enum(['draft', 'submitted', 'approved']);
export type MinutesStatus = z.infer<typeof MinutesStatus>;

export const MinutesSectionKind = z.enum(['details', 'attendance', 'agenda', 'item', 'closing']);
export type MinutesSectionKind = z.infer<typeof MinutesSectionKind>;

export const MinutesSection = z.object({
  id: Id,
  kind: MinutesSectionKind,
  /** The agenda item this section records (kind `item`), else null. */
  agendaItemId: Id.nullable(),
  title: z.string().max(300),
  doc: RichDoc,
  /** Goes up with every save of this section: a save based on an older one is refused. */
  revision: z.number().int().min(0),
});
export type MinutesSection = z.infer<typeof MinutesSection>;

/** What the PDF's header needs besides the meeting (Decree 30/2020: issuing body, number, place). */
export const MinutesHeading = z.object({
  /** Cơ quan ban hành, top left, e.g. "ỦY BAN NHÂN DÂN TỈNH BẮC NINH". */
  issuingBody: z.string().trim().min(1).max(200),
  /** Số, ký hiệu, e.g. "12/BB-UBND". */
  number: z.string().trim().max(50),
  /** Địa danh of "…, ngày … tháng … năm …". */
  place: z.string().trim().min(1).max(100),
});
export type MinutesHeading = z.infer<typeof MinutesHeading>;

export const Minutes = z.object({
  meetingId: Id,
  status: MinutesStatus,
  /** Goes up with every change of the minutes (any section, heading or status). */
  revision: z.number().int().min(0),
  heading: MinutesHeading,
  sections: z.array(MinutesSection).max(120),
  updatedAt: z.iso.datetime(),
  updatedBy: Id,
  submittedAt: z.iso.datetime().nullable(),
  approvedAt: z.iso.datetime().nullable(),
  approvedBy: Id.nullable(),
  /** SHA-256 of the approved PDF (content-addressed store), once approved. */
  pdfSha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
});
export type Minutes = z.infer<typeof Minutes>;

export const MinutesVersionReason = z.enum(['created', 'edited', 'submitted', 'returned', 'approved']);
export type MinutesVersionReason = z.infer<typeof MinutesVersionReason>;

/** One entry of the version history (the snapshot itself is fetched on demand). */
export const MinutesVersionInfo = z.object({
  revision: z.number().int().min(1),
  savedAt: z.iso.datetime(),
  savedBy: Id,
  reason: MinutesVersionReason,
  /** The section an edit changed; null for status changes and creation. */
  sectionId: Id.nullable(),
});
export type MinutesVersionInfo = z.infer<typeof MinutesVersionInfo>;

/** What the caller may do with the minutes now (the server decides; the UI only shows it). */
export const MinutesPermissions = z.object({
  edit: z.boolean(),
  submit: z.boolean(),
  approve: z.boolean(),
  returnToDraft: z.boolean(),
});
export type MinutesPermissions = z.infer<typeof MinutesPermissions>;

const MeetingScope = z.object({ meetingId: Id });
const MinutesView = z.object({ minutes: Minutes, permissions: MinutesPermissions });

export const minutesRequests = {
  /** The minutes (made from the skeleton the first time the secretary or chair opens them). */
  'minutes:get': { request: MeetingScope, response: MinutesView },
  /** Saves one section's text; refused unless based on the section's current revision. */
  'minutes:saveSection': {
    request: MeetingScope.extend({ sectionId: Id, baseRevision: z.number().int().min(0), doc: RichDoc }),
    response: z.object({ revision: z.number().int(), sectionRevision: z.number().int(), savedAt: z.iso.datetime() }),
  },
  'minutes:saveHeading': { request: MeetingScope.extend({ heading: MinutesHeading }), response: MinutesView },
  /** Secretary: draft -> submitted. */
  'minutes:submit': { request: MeetingScope, response: MinutesView },
  /** Chair: submitted -> approved (locked, PDF made). */
  'minutes:approve': { request: MeetingScope, response: MinutesView },
  /** Chair: submitted -> draft, for the secretary to change. */
  'minutes:return': { request: MeetingScope, response: MinutesView },
  /** The skeleton built from the meeting's data now (speakers, votes…), without storing it. */
  'minutes:skeleton': { request: MeetingScope, response: z.object({ sections: z.array(MinutesSection) }) },
  'minutes:versions': { request: MeetingScope, response: z.object({ versions: z.array(MinutesVersionInfo) }) },
  'minutes:version': {
    request: MeetingScope.extend({ revision: z.number().int().min(1) }),
    response: z.object({ info: MinutesVersionInfo, minutes: Minutes }),
  },
} as const;

export const minutesEvents = {
  /** The minutes changed (a save, a status change): to the chair's and secretary's sockets. */
  'minutes:changed': z.object({
    meetingId: Id,
    status: MinutesStatus,
    revision: z.number().int(),
    updatedBy: Id,
    sectionId: Id.nullable(),
  }),
} as const;

/** Every piece of text of a rich document, paragraphs on their own lines (search, tests). */
export function richText(node: RichNode): string {
  if (node.type === 'text') return node.text ?? '';
  if (node.type === 'hardBreak') return '\n';
  const inner = (node.content ?? []).map(richText);
  const isBlockContainer = ['doc', 'bulletList', 'orderedList', 'listItem', 'blockquote'].includes(node.type);
  return inner.join(isBlockContainer ? '\n' : '');
}

/** A blank the skeleton left for the secretary ("… giờ … phút"): "…", or three dots or more. */
const BLANK = /…|\.{3,}/;
/** How much of the sentence around a blank the list shows. */
const BLANK_CONTEXT = 80;

/** Where a blank is: a section (its id) or the heading (`heading.<field>`), and the text around it. */
export interface MinutesBlank {
  path: string;
  text: string;
}

/**
 * The blanks still in the minutes, in reading order: approved minutes are an official record and
 * may not say "kết thúc vào lúc … giờ … phút". The number (số, ký hiệu) may stay empty: it is often
 * given when the minutes are registered, after approval.
 */
export function minutesBlanks(minutes: Pick<Minutes, 'heading' | 'sections'>): MinutesBlank[] {
  const heading = (['issuingBody', 'number', 'place'] as const).flatMap((field) => {
    const text = minutes.heading[field];
    return BLANK.test(text) ? [{ path: `heading.${field}`, text: aroundBlank(text) }] : [];
  });
  const sections = minutes.sections.flatMap((section) =>
    textBlocks(section.doc)
      .filter((text) => BLANK.test(text))
      .map((text) => ({ path: section.id, text: aroundBlank(text) })),
  );
  return [...heading, ...sections];
}

/** The text of every paragraph and heading, in order. */
function textBlocks(node: RichNode): string[] {
  if (node.type === 'paragraph' || node.type === 'heading') return [richText(node)];
  return (node.content ?? []).flatMap(textBlocks);
}

function aroundBlank(text: string): string {
  const at = text.search(BLANK);
  let start = Math.max(0, at - BLANK_CONTEXT);
  let end = Math.min(text.length, at + BLANK_CONTEXT);
  // Whole words only (no ellipsis marks the cut: "…" is what a blank looks like).
  if (start > 0 && !/\s/.test(text[start - 1]!)) start = text.indexOf(' ', start) + 1 || start;
  if (end < text.length && !/\s/.test(text[end]!)) end = Math.max(text.lastIndexOf(' ', end), at + 1);
  return text.slice(start, end).trim();
}
