import type { Minutes, RichMark, RichNode } from '@ehop/protocol';
import { FONT_FILES, serifFonts, type FontStyle } from './pdf-fonts.js';
import { vietnameseDate } from '../format/vietnam-time.js';

/*
 * The approved minutes as a PDF laid out like a Vietnamese administrative document (Decree
 * 30/2020/NĐ-CP, Appendix I): A4; issuing body top left and the national title with the
 * underlined motto top right; number and symbol under the issuing body; place and date in italics
 * under the motto; the document type "BIÊN BẢN" and its subject centred in bold; the body in
 * 13 pt, justified, first lines indented; the signatures (THƯ KÝ left, CHỦ TRÌ right).
 *
 * pdfmake lays the page out (columns, wrapping, lists) on top of PDFKit, which embeds subsets of
 * the TrueType fonts and writes the PDF/A-2b parts: XMP metadata with the PDF/A identification,
 * title and language, and an sRGB output intent. Not checked with veraPDF here (no validator on
 * this machine), so "PDF/A-2b" is what the file declares, not a certificate.
 */

const FONT = 'LiberationSerif';
const MM = 72 / 25.4;

export interface PdfSignatories {
  chair: string;
  secretary: string;
}

export interface PdfMeeting {
  title: string;
}

type PdfMake = (typeof import('pdfmake'))['default'];
let configured: Promise<PdfMake> | null = null;

/**
 * pdfmake (with PDFKit and fontkit) is loaded on the first approval, not when signaling starts.
 * It keeps fonts in a process-wide virtual file system and never reads disk or network.
 */
function configure(): Promise<PdfMake> {
  configured ??= Promise.all([import('pdfmake'), serifFonts()]).then(([module, fonts]) => {
    const pdfmake = module.default;
    for (const style of Object.keys(FONT_FILES) as FontStyle[]) pdfmake.virtualfs.writeFileSync(FONT_FILES[style], fonts[style]);
    pdfmake.addFonts({ [FONT]: { ...FONT_FILES } });
    pdfmake.setUrlAccessPolicy(() => false);
    pdfmake.setLocalAccessPolicy(() => false);
    return pdfmake;
  });
  configured.catch(() => (configured = null));
  return configured;
}

export async function renderMinutesPdf(minutes: Minutes, meeting: PdfMeeting, signatories: PdfSignatories): Promise<Buffer> {
  const pdfmake = await configure();
  return pdfmake.createPdf(minutesDocument(minutes, meeting, signatories)).getBuffer();
}

/** The pdfmake document definition (exported for tests of the layout's text). */
export function minutesDocument(minutes: Minutes, meeting: PdfMeeting, signatories: PdfSignatories): Record<string, unknown> {
  const date = minutes.approvedAt ?? minutes.updatedAt;
  return {
    version: '1.7',
    subset: 'PDF/A-2b',
    language: 'vi-VN',
    displayTitle: true,
    info: { title: `Biên bản: ${meeting.title}`, subject: meeting.title, creator: 'eHọp', producer: 'eHọp (pdfmake)' },
    pageSize: 'A4',
    // Top and bottom 20 mm, left 30 mm, right 15 mm: the decree's page margins.
    pageMargins: [30 * MM, 20 * MM, 15 * MM, 20 * MM],
    defaultStyle: { font: FONT, fontSize: 13, lineHeight: 1.15 },
    footer: (page: number, pages: number) =>
      pages > 1 && page > 1 ? { text: String(page), alignment: 'center', fontSize: 13, margin: [0, 8, 0, 0] } : null,
    content: [
      headerBlock(minutes, date),
      { text: 'BIÊN BẢN', bold: true, fontSize: 14, alignment: 'center', margin: [0, 18, 0, 0] },
      { text: meeting.title, bold: true, fontSize: 14, alignment: 'center', margin: [0, 0, 0, 14] },
      ...minutes.sections.flatMap((section) => [
        { text: section.title, bold: true, margin: [0, 8, 0, 4] },
        ...blocks(section.doc.content ?? []),
      ]),
      signatureBlock(signatories),
    ],
  };
}

function headerBlock(minutes: Minutes, date: string): Record<string, unknown> {
  const number = minutes.heading.number.trim() || '     /BB-UBND';
  return {
    columns: [
      {
        width: '38%',
        stack: [
          { text: issuingBodyLines(minutes.heading.issuingBody), bold: true, fontSize: 12 },
          shortRule(40),
          { text: `Số: ${number}`, fontSize: 13, margin: [0, 6, 0, 0] },
        ],
        alignment: 'center',
      },
      {
        width: '62%',
        stack: [
          { text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', bold: true, fontSize: 12 },
          { text: 'Độc lập - Tự do - Hạnh phúc', bold: true, fontSize: 13, decoration: 'underline' },
          { text: `${minutes.heading.place}, ${vietnameseDate(date)}`, italics: true, fontSize: 13, margin: [0, 10, 0, 0] },
        ],
        alignment: 'center',
      },
    ],
    columnGap: 4,
  };
}

/**
 * "ỦY BAN NHÂN DÂN" on its own line and the unit below it, as provincial documents print it
 * (the narrow column would otherwise break the unit's name anywhere).
 */
export function issuingBodyLines(issuingBody: string): string {
  const upper = issuingBody.toLocaleUpperCase('vi').trim();
  const committee = 'ỦY BAN NHÂN DÂN ';
  return upper.startsWith(committee) ? `${committee.trim()}\n${upper.slice(committee.length)}` : upper;
}

/** The short line under the issuing body (about a third of its width, centred). */
function shortRule(width: number): Record<string, unknown> {
  return { canvas: [{ type: 'line', x1: 0, y1: 2, x2: width, y2: 2, lineWidth: 0.6 }], alignment: 'center', margin: [0, 0, 0, 0] };
}

function signatureBlock(signatories: PdfSignatories): Record<string, unknown> {
  const column = (role: string, name: string) => ({
    width: '50%',
    alignment: 'center',
    stack: [
      { text: role, bold: true },
      { text: '(Ký, ghi rõ họ tên)', italics: true, fontSize: 12 },
      { text: name, bold: true, margin: [0, 60, 0, 0] },
    ],
  });
  return {
    columns: [column('THƯ KÝ', signatories.secretary), column('CHỦ TRÌ', signatories.chair)],
    margin: [0, 24, 0, 0],
    unbreakable: true,
  };
}

/** ProseMirror blocks -> pdfmake blocks. */
function blocks(nodes: readonly RichNode[]): Record<string, unknown>[] {
  return nodes.map(block);
}

function block(node: RichNode): Record<string, unknown> {
  switch (node.type) {
    case 'heading':
      return { text: inlines(node.content ?? []), bold: true, margin: [0, 6, 0, 3] };
    case 'bulletList':
      return { ul: (node.content ?? []).map(listItem), margin: [14, 0, 0, 6] };
    case 'orderedList':
      return { ol: (node.content ?? []).map(listItem), start: node.attrs?.start ?? 1, margin: [14, 0, 0, 6] };
    case 'blockquote':
      return { stack: blocks(node.content ?? []), italics: true, margin: [24, 0, 0, 6] };
    case 'paragraph':
      return { text: node.content?.length ? inlines(node.content) : ' ', alignment: 'justify', leadingIndent: 10 * MM, margin: [0, 0, 0, 6] };
    default:
      // text or a break outside a paragraph (never made by the editor): shown as a paragraph.
      return { text: inlines([node]), margin: [0, 0, 0, 6] };
  }
}

function listItem(node: RichNode): Record<string, unknown> {
  const content = (node.content ?? []).map((child) =>
    child.type === 'paragraph' ? { text: child.content?.length ? inlines(child.content) : ' ', alignment: 'justify', margin: [0, 0, 0, 2] } : block(child),
  );
  return { stack: content };
}

function inlines(nodes: readonly RichNode[]): Record<string, unknown>[] {
  return nodes.map((node) => {
    if (node.type === 'hardBreak') return { text: '\n' };
    if (node.type !== 'text') return { text: inlinesText(node) };
    return { text: node.text ?? '', ...markStyle(node.marks ?? []) };
  });
}

function inlinesText(node: RichNode): string {
  return (node.content ?? []).map((child) => (child.type === 'text' ? (child.text ?? '') : inlinesText(child))).join('');
}

function markStyle(marks: readonly RichMark[]): Record<string, unknown> {
  const types = new Set(marks.map((mark) => mark.type));
  const decoration = types.has('underline') ? 'underline' : types.has('strike') ? 'lineThrough' : undefined;
  return { ...(types.has('bold') ? { bold: true } : {}), ...(types.has('italic') ? { italics: true } : {}), ...(decoration ? { decoration } : {}) };
}
