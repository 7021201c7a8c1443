import { Document, Packer, Paragraph, TextRun } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A PDF of `pages` pages, each saying "Page n" in large letters. */
export async function multiPagePdf(pages: number): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= pages; n++) {
    pdf.addPage([595, 842]).drawText(`Page ${n}`, { x: 60, y: 700, size: 64, font });
  }
  return Buffer.from(await pdf.save());
}

/** A Word document with one paragraph of `text` (as Word writes it: OOXML zip). */
export async function wordDocument(text: string): Promise<Buffer> {
  const document = new Document({ sections: [{ children: [new Paragraph({ children: [new TextRun(text)] })] }] });
  return Packer.toBuffer(document);
}

/** A multipart body as a browser's FormData would send it. */
export function uploadForm(file: Buffer, fileName: string, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([file]), fileName);
  return form;
}

/** A one-page PDF with real (extractable) Vietnamese text, set in a system font that has the glyphs. */
export async function vietnameseTextPdf(lines: readonly string[]): Promise<Buffer> {
  const { default: fontkit } = await import('@pdf-lib/fontkit');
  const { readFile } = await import('node:fs/promises');
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const fontFile = await readFile('/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf').catch(() =>
    readFile('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'),
  );
  const font = await pdf.embedFont(fontFile, { subset: true });
  const page = pdf.addPage([595, 842]);
  lines.forEach((line, index) => page.drawText(line, { x: 50, y: 780 - index * 24, size: 14, font }));
  return Buffer.from(await pdf.save());
}
