import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';

/**
 * A report-like PDF: each page has a heading, a dozen paragraphs of text and a bar chart, so
 * rendering costs what a real page of a government report costs (text and vector drawing).
 */
export async function reportPdf(pages: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const line = 'Report on socio-economic development, public investment and administrative reform of the province.';
  for (let n = 1; n <= pages; n++) {
    const page = pdf.addPage([595, 842]);
    page.drawText(`Page ${n} of ${pages}`, { x: 50, y: 790, size: 22, font: bold });
    for (let row = 0; row < 24; row++) page.drawText(`${row + 1}. ${line}`, { x: 50, y: 750 - row * 16, size: 9, font });
    for (let bar = 0; bar < 12; bar++) {
      const height = 40 + ((n * 37 + bar * 53) % 200);
      page.drawRectangle({ x: 60 + bar * 40, y: 120, width: 28, height, color: rgb(0.1 + bar * 0.06, 0.3, 0.6) });
    }
  }
  return pdf.save();
}
