import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { Annotation, DocumentNotes } from '@ehop/protocol';
import { unicodeFont } from '../documents/unicode-font.js';
import { stampPage } from '../documents/watermark.js';
import type { ExportLabels } from './export-labels.js';
import { commentPlacement, highlightBox, normalizeRotation, wrapText } from './notes-layout.js';

export interface NotesExportInput {
  /** The document's PDF; null for a confidential document, whose pages never leave as a file. */
  documentPdf: Uint8Array | null;
  documentTitle: string;
  ownerName: string;
  exportedAt: string;
  notes: DocumentNotes;
  /** Stamped across every page (confidential documents), as their view is. */
  watermark: string[] | null;
  labels: ExportLabels;
}

const HIGHLIGHT = rgb(1, 0.85, 0.1);
const INK = rgb(0.1, 0.12, 0.2);
const MUTED = rgb(0.35, 0.38, 0.45);
const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;

/**
 * The person's notes as a PDF: the document's pages with their highlights (numbered, the comment
 * written beside each) and then pages listing every highlight and the free text. Fonts are
 * embedded, so Vietnamese reads (and extracts) correctly.
 */
export async function buildNotesPdf(input: NotesExportInput): Promise<Uint8Array> {
  const pdf = input.documentPdf ? await PDFDocument.load(input.documentPdf, { updateMetadata: false }) : await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const fonts = {
    regular: await pdf.embedFont(await unicodeFont('regular'), { subset: true }),
    bold: await pdf.embedFont(await unicodeFont('bold'), { subset: true }),
  };
  const numbered = input.notes.annotations.map((annotation, index) => ({ annotation, number: index + 1 }));
  if (input.documentPdf) {
    const pages = pdf.getPages();
    for (const { annotation, number } of numbered) {
      const page = pages[annotation.page - 1];
      if (page) drawHighlight(page, annotation, number, fonts.regular);
    }
  }
  writeSummary(pdf, fonts, input, numbered);
  if (input.watermark) for (const page of pdf.getPages()) stampPage(page, fonts.bold, input.watermark);
  pdf.setTitle(`${input.labels.heading} — ${input.documentTitle}`);
  return pdf.save();
}

function drawHighlight(page: PDFPage, annotation: Annotation, number: number, font: PDFFont): void {
  const cropBox = page.getCropBox();
  const rotation = normalizeRotation(page.getRotation().angle);
  const box = highlightBox(annotation.rect, cropBox, rotation);
  page.drawRectangle({ ...box, color: HIGHLIGHT, opacity: 0.35, borderColor: rgb(0.85, 0.6, 0), borderWidth: 1, borderOpacity: 0.9 });
  const size = 9;
  const tag = `[${number}]`;
  // Comments are written upright only on upright pages; on turned pages the number leads to the summary.
  const text = rotation === 0 && annotation.comment.trim() ? annotation.comment.trim() : '';
  const width = Math.max(160, box.width);
  const lines = text ? wrapText(`${tag} ${text}`, (line) => font.widthOfTextAtSize(line, size), Math.min(width, cropBox.width - 8)).slice(0, 8) : [tag];
  const lineHeight = size * 1.25;
  const textHeight = lines.length * lineHeight + 4;
  const { x, top } = commentPlacement(box, cropBox, textHeight, 2);
  const boxWidth = Math.max(...lines.map((line) => font.widthOfTextAtSize(line, size))) + 6;
  const left = Math.min(x, cropBox.x + cropBox.width - boxWidth);
  if (rotation === 0) {
    page.drawRectangle({ x: left, y: top - textHeight, width: boxWidth, height: textHeight, color: rgb(1, 0.98, 0.85), opacity: 0.92 });
  }
  lines.forEach((line, index) => page.drawText(line, { x: left + 3, y: top - 2 - (index + 1) * lineHeight + 3, size, font, color: INK }));
}

/** Writes lines top to bottom, starting a new A4 page when one is full. */
class TextFlow {
  private page: PDFPage;
  private y: number;

  constructor(private readonly pdf: PDFDocument) {
    this.page = this.newPage();
    this.y = A4[1] - MARGIN;
  }

  write(text: string, font: PDFFont, size: number, color = INK, indent = 0): void {
    const lineHeight = size * 1.4;
    for (const line of wrapText(text, (candidate) => font.widthOfTextAtSize(candidate, size), A4[0] - 2 * MARGIN - indent)) {
      if (this.y - lineHeight < MARGIN) {
        this.page = this.newPage();
        this.y = A4[1] - MARGIN;
      }
      this.y -= lineHeight;
      if (line) this.page.drawText(line, { x: MARGIN + indent, y: this.y, size, font, color });
    }
  }

  space(points: number): void {
    this.y -= points;
  }

  private newPage(): PDFPage {
    return this.pdf.addPage(A4);
  }
}

function writeSummary(
  pdf: PDFDocument,
  fonts: { regular: PDFFont; bold: PDFFont },
  input: NotesExportInput,
  numbered: { annotation: Annotation; number: number }[],
): void {
  const { labels } = input;
  const flow = new TextFlow(pdf);
  flow.write(labels.heading, fonts.bold, 18);
  flow.space(4);
  flow.write(`${labels.document}: ${input.documentTitle}`, fonts.regular, 11);
  flow.write(`${labels.owner}: ${input.ownerName}`, fonts.regular, 11);
  flow.write(`${labels.exportedAt}: ${input.exportedAt}`, fonts.regular, 11, MUTED);
  if (!input.documentPdf) flow.write(labels.confidential, fonts.regular, 10, MUTED);
  flow.space(10);
  flow.write(labels.highlights, fonts.bold, 13);
  if (numbered.length === 0) flow.write(labels.none, fonts.regular, 11, MUTED);
  for (const { annotation, number } of numbered) {
    flow.write(`[${number}] ${labels.page} ${annotation.page}`, fonts.bold, 11);
    flow.write(annotation.comment.trim() || labels.noComment, fonts.regular, 11, annotation.comment.trim() ? INK : MUTED, 14);
  }
  flow.space(10);
  flow.write(labels.notes, fonts.bold, 13);
  flow.write(input.notes.text.trim() ? input.notes.text : labels.none, fonts.regular, 11, input.notes.text.trim() ? INK : MUTED);
}
