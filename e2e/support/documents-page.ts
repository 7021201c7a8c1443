import { expect, type Page } from '@playwright/test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { io, type Socket } from 'socket.io-client';
import { DEMO_MEETING_ID } from './meeting-page.js';

/** A PDF of `pages` A4 pages, each saying "Trang n" (page n) in large letters. Made fresh by each test. */
export async function numberedPdf(pages: number): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.HelveticaBold);
  for (let n = 1; n <= pages; n++) pdf.addPage([595, 842]).drawText(`Trang ${n}`, { x: 120, y: 420, size: 96, font });
  return Buffer.from(await pdf.save());
}

export async function openDocuments(page: Page, meetingId = DEMO_MEETING_ID): Promise<void> {
  await page.goto(`/#/meetings/${meetingId}/documents`);
  await expect(page.getByTestId('documents-workspace')).toHaveAttribute('data-connected', 'true');
  // Subscribed first, then the list arrives: a count taken in between would be 0.
  await expect(page.getByTestId('documents-workspace')).toHaveAttribute('data-listed', 'true');
}

/** Uploads through the page's file picker; resolves to the new document's id once it is listed. */
export async function uploadThroughPage(page: Page, file: { name: string; buffer: Buffer; mimeType?: string }): Promise<string> {
  await page.getByTestId('document-file-input').setInputFiles({ mimeType: 'application/pdf', ...file });
  const item = page.getByTestId('document-item').filter({ hasText: file.name.replace(/\.[^.]+$/, '') });
  await expect(item).toHaveCount(1);
  return (await item.getAttribute('data-document-id'))!;
}

/** The viewer of `page` shows `pageNumber`: asked for, and drawn on the canvas. */
export async function expectViewerOnPage(page: Page, pageNumber: number): Promise<void> {
  const viewer = page.getByTestId('pdf-viewer');
  await expect(viewer).toHaveAttribute('data-page', String(pageNumber));
  await expect(viewer).toHaveAttribute('data-rendered-page', String(pageNumber));
}

/** A socket.io client outside the web app, carrying `page`'s session cookie: what a tinkerer could send. */
export async function rawSocketOf(page: Page, baseUrl: string): Promise<Socket> {
  const session = (await page.context().cookies()).find((cookie) => cookie.name === 'ehop.sid');
  if (!session) throw new Error('no session cookie');
  const socket = io(baseUrl, { extraHeaders: { cookie: `ehop.sid=${session.value}` }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}
