import { execFileSync } from 'node:child_process';
import { DEMO_MEETING_ID, expect, test } from '../support/meeting-page.js';
import { expectViewerOnPage, numberedPdf, openDocuments, uploadThroughPage } from '../support/documents-page.js';

const NOTE = 'Đề nghị bổ sung số liệu giải ngân vốn đầu tư công ở huyện Lạc Sơn, quý II.';
const COMMENT = 'Kiểm tra lại con số này với Sở Tài chính';
/** Where the delegate drags, in fractions of the page. */
const DRAG = { from: { x: 0.2, y: 0.3 }, to: { x: 0.6, y: 0.45 } };

test('the chair files a document under an agenda item; a delegate highlights page 2 and writes notes, which survive a reload and export to a PDF', async ({ signIn }) => {
  const chair = await signIn('chutri');
  await openDocuments(chair);
  // The picker lists the meeting's agenda, sub-items included.
  await expect(chair.getByTestId('upload-agenda-item').locator('option[value="a-ngan-sach"]')).toHaveText(/^2\.1\. Kết quả thu ngân sách/);
  await chair.getByTestId('upload-agenda-item').selectOption('a-ngan-sach');
  const documentId = await uploadThroughPage(chair, { name: `Báo cáo giải ngân ${Date.now()}.pdf`, buffer: await numberedPdf(3) });
  const stored = await chair.request.get(`/api/meetings/${DEMO_MEETING_ID}/documents/${documentId}`);
  expect(((await stored.json()) as { agendaItemId: string | null }).agendaItemId).toBe('a-ngan-sach');

  const delegate = await signIn('daibieu1');
  await openDocuments(delegate);
  await expect(delegate.getByTestId('upload-agenda-item')).toHaveCount(0);
  // Everyone sees which agenda item the document belongs to.
  await expect(delegate.locator(`[data-testid="document-item"][data-document-id="${documentId}"]`).getByTestId('document-agenda-item')).toHaveText(
    /^Mục: 2\.1\. Kết quả thu ngân sách/,
  );
  const openDocument = async () => {
    await delegate.locator(`[data-testid="document-item"][data-document-id="${documentId}"]`).getByTestId('document-open').click();
    await expectViewerOnPage(delegate, 1);
    await expect(delegate.getByTestId('notes-panel')).toBeVisible();
  };
  await openDocument();
  await expect(delegate.getByTestId('note-annotation')).toHaveCount(0);
  await delegate.getByTestId('viewer-next').click();
  await expectViewerOnPage(delegate, 2);

  // Drag a rectangle on page 2 with the highlight tool.
  await delegate.getByTestId('highlight-tool').click();
  const canvas = (await delegate.getByTestId('viewer-canvas').boundingBox())!;
  const at = (point: { x: number; y: number }) => [canvas.x + point.x * canvas.width, canvas.y + point.y * canvas.height] as const;
  await delegate.mouse.move(...at(DRAG.from));
  await delegate.mouse.down();
  await delegate.mouse.move(...at(DRAG.to), { steps: 8 });
  await delegate.mouse.up();
  const listed = delegate.getByTestId('note-annotation');
  await expect(listed).toHaveCount(1);
  await expect(listed).toHaveAttribute('data-page', '2');
  await listed.getByTestId('note-annotation-comment').fill(COMMENT);
  await delegate.getByTestId('notes-text').fill(NOTE);
  await expect(delegate.getByTestId('notes-save-status')).toHaveAttribute('data-status', 'saved');
  await expect(delegate.getByTestId('notes-save-status')).toHaveText('Đã lưu');

  // Reloaded: the notes come back from the server, and the highlight sits where it was dragged.
  await delegate.reload();
  await openDocuments(delegate);
  await openDocument();
  await expect(delegate.getByTestId('notes-text')).toHaveValue(NOTE);
  await expect(listed).toHaveCount(1);
  await expect(listed.getByTestId('note-annotation-comment')).toHaveValue(COMMENT);
  await expect(delegate.getByTestId('highlight')).toHaveCount(0); // page 1 has none
  await listed.getByRole('button', { name: 'Trang 2' }).click();
  await expectViewerOnPage(delegate, 2);
  const mark = delegate.getByTestId('highlight');
  await expect(mark).toHaveCount(1);
  const page = (await delegate.getByTestId('viewer-canvas').boundingBox())!;
  const box = (await mark.boundingBox())!;
  expect((box.x - page.x) / page.width).toBeCloseTo(DRAG.from.x, 1);
  expect((box.y - page.y) / page.height).toBeCloseTo(DRAG.from.y, 1);
  expect(box.width / page.width).toBeCloseTo(DRAG.to.x - DRAG.from.x, 1);
  expect(box.height / page.height).toBeCloseTo(DRAG.to.y - DRAG.from.y, 1);

  // The export link gives a PDF whose text holds the note and the comment, diacritics intact.
  const href = (await delegate.getByTestId('notes-export').getAttribute('href'))!;
  const exported = await delegate.request.get(href);
  expect(exported.status()).toBe(200);
  expect(exported.headers()['content-type']).toContain('application/pdf');
  const text = execFileSync('pdftotext', ['-raw', '-', '-'], { input: await exported.body() }).toString().replace(/\s+/g, ' ');
  expect(text).toContain(NOTE);
  expect(text).toContain(COMMENT);
  expect(text).toContain('Trang 3'); // the document's own pages come first

  // Deleting the highlight removes it from the page and from the server.
  await listed.getByTestId('note-annotation-remove').click();
  await expect(delegate.getByTestId('highlight')).toHaveCount(0);
  await delegate.reload();
  await openDocuments(delegate);
  await openDocument();
  await expect(delegate.getByTestId('notes-text')).toHaveValue(NOTE);
  await expect(delegate.getByTestId('note-annotation')).toHaveCount(0);
});
