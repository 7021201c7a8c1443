import { DEMO_MEETING_ID, expect, joinMeeting, test } from '../support/meeting-page.js';
import { expectViewerOnPage, numberedPdf, openDocuments, rawSocketOf, uploadThroughPage } from '../support/documents-page.js';


test('the chair presents page 3; delegates follow, browse on their own and come back; a forged page turn moves nobody', async ({ signIn, baseURL }) => {
  const chair = await signIn('chutri');
  await openDocuments(chair);
  const fileName = `Báo cáo kinh tế xã hội ${Date.now()}.pdf`;
  const documentId = await uploadThroughPage(chair, { name: fileName, buffer: await numberedPdf(6) });

  const delegate = await signIn('daibieu1');
  await openDocuments(delegate);
  await expect(delegate.locator(`[data-testid="document-item"][data-document-id="${documentId}"]`)).toBeVisible();

  // The chair presents and turns to page 3 through the viewer's page box.
  await chair.locator(`[data-testid="document-item"][data-document-id="${documentId}"]`).getByTestId('document-present').click();
  await expectViewerOnPage(chair, 1);
  await chair.getByTestId('viewer-page-input').fill('3');
  await chair.getByTestId('viewer-page-input').press('Enter');
  await expectViewerOnPage(chair, 3);

  // The delegate's viewer follows to page 3.
  await expectViewerOnPage(delegate, 3);
  await expect(delegate.getByTestId('follow-bar')).toHaveAttribute('data-mode', 'following');
  await expect(delegate.getByTestId('follow-bar')).toContainText('Nguyễn Văn Hùng');

  // Browsing to page 5 on one's own ("Tự xem") moves only the delegate.
  await delegate.getByTestId('viewer-next').click();
  await delegate.getByTestId('viewer-next').click();
  await expectViewerOnPage(delegate, 5);
  await expect(delegate.getByTestId('follow-bar')).toHaveAttribute('data-mode', 'browsing');
  await expectViewerOnPage(chair, 3);

  // One click back to the presenter.
  await delegate.getByTestId('follow-presenter').click();
  await expectViewerOnPage(delegate, 3);
  await expect(delegate.getByTestId('follow-bar')).toHaveAttribute('data-mode', 'following');

  // Someone opening the papers late lands on the presented page.
  const late = await signIn('daibieu2');
  await openDocuments(late);
  await expectViewerOnPage(late, 3);

  // A delegate's forged page change is refused by the server, and nobody's view moves.
  const forger = await rawSocketOf(delegate, baseURL!);
  const forged = await forger.timeout(5000).emitWithAck('presentation:update', { meetingId: DEMO_MEETING_ID, page: 6 });
  expect(forged).toEqual({ ok: false, error: { code: 'forbidden', message: 'Only the presenter or the chair may turn the pages' } });
  forger.disconnect();
  await chair.waitForTimeout(500);
  for (const page of [chair, delegate, late]) await expectViewerOnPage(page, 3);

  // The chair's next turn still reaches everyone following.
  await chair.getByTestId('viewer-next').click();
  for (const page of [chair, delegate, late]) await expectViewerOnPage(page, 4);
});

test('an upload that is not really a PDF is refused with a clear message and is not listed', async ({ signIn }) => {
  const secretary = await signIn('thuky');
  await openDocuments(secretary);
  const before = await secretary.getByTestId('document-item').count();
  await secretary.getByTestId('document-file-input').setInputFiles({
    name: 'khong-phai-pdf.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('Đây chỉ là văn bản, không phải PDF.\n'.repeat(50)),
  });
  const item = secretary.getByTestId('upload-item').filter({ hasText: 'khong-phai-pdf.pdf' });
  await expect(item).toHaveAttribute('data-phase', 'failed');
  await expect(item.getByTestId('upload-error')).toHaveAttribute('data-code', 'unsupported_file_type');
  await expect(item.getByTestId('upload-error')).toContainText('Tệp không phải PDF, Word, Excel hoặc PowerPoint');
  await expect(secretary.getByTestId('document-item')).toHaveCount(before);
});

test('delegates get no upload form and cannot download a confidential document', async ({ signIn }) => {
  const chair = await signIn('chutri');
  await openDocuments(chair);
  await chair.getByTestId('upload-confidential').check();
  const documentId = await uploadThroughPage(chair, { name: `Tài liệu mật ${Date.now()}.pdf`, buffer: await numberedPdf(2) });

  const delegate = await signIn('daibieu1');
  await openDocuments(delegate);
  await expect(delegate.getByTestId('document-file-input')).toHaveCount(0);
  const item = delegate.locator(`[data-testid="document-item"][data-document-id="${documentId}"]`);
  await expect(item.getByTestId('document-download')).toHaveCount(0);
  const download = await delegate.request.get(`/api/meetings/${DEMO_MEETING_ID}/documents/${documentId}/download`);
  expect(download.status()).toBe(403);
  await item.getByTestId('document-open').click();
  await expectViewerOnPage(delegate, 1);
  await expect(delegate.getByTestId('pdf-viewer')).toContainText('MẬT');

  // The chair sees that the delegate opened it.
  await chair.locator(`[data-testid="document-item"][data-document-id="${documentId}"]`).getByTestId('document-receipts').click();
  await expect(chair.locator('[data-testid="read-receipt"][data-user-id="u-daibieu1"]')).toHaveAttribute('data-opened', 'yes');
});

test('in the video room, the documents pane follows the presenter', async ({ signIn, baseURL }) => {
  const chair = await signIn('chutri');
  await openDocuments(chair);
  const documentId = await uploadThroughPage(chair, { name: `Tờ trình ${Date.now()}.pdf`, buffer: await numberedPdf(4) });

  const delegate = await signIn('daibieu2');
  await joinMeeting(delegate);
  await delegate.getByTestId('toggle-documents').click();
  await expect(delegate.getByTestId('room-documents').getByTestId('documents-workspace')).toHaveAttribute('data-connected', 'true');

  const presenter = await rawSocketOf(chair, baseURL!);
  expect(await presenter.timeout(5000).emitWithAck('presentation:start', { meetingId: DEMO_MEETING_ID, documentId, page: 2 })).toMatchObject({ ok: true });
  await expectViewerOnPage(delegate, 2);
  await chair.getByTestId('viewer-next').click();
  await expectViewerOnPage(delegate, 3);
  presenter.disconnect();
});

test('a delegate the chair designates presents, and the chair follows', async ({ signIn }) => {
  const chair = await signIn('chutri');
  await openDocuments(chair);
  const documentId = await uploadThroughPage(chair, { name: `Báo cáo huyện ${Date.now()}.pdf`, buffer: await numberedPdf(5) });
  const delegate = await signIn('daibieu1');
  await openDocuments(delegate);
  const item = delegate.locator(`[data-testid="document-item"][data-document-id="${documentId}"]`);
  await expect(item.getByTestId('document-present')).toHaveCount(0);

  await chair.getByTestId('designate-presenter').selectOption('u-daibieu1');
  await item.getByTestId('document-present').click();
  await delegate.getByTestId('viewer-next').click();
  await expectViewerOnPage(delegate, 2);
  await expectViewerOnPage(chair, 2);
  await expect(chair.getByTestId('follow-bar')).toContainText('Lê Minh Tuấn');

  // Withdrawn: the button goes, and the chair takes over from the page everyone is on.
  await chair.getByTestId('designate-presenter').selectOption('');
  await expect(item.getByTestId('document-present')).toHaveCount(0);
  await chair.locator(`[data-testid="document-item"][data-document-id="${documentId}"]`).getByTestId('document-present').click();
  await expect(chair.getByTestId('presentation-stop')).toBeVisible();
  await expectViewerOnPage(delegate, 2);
  await chair.getByTestId('viewer-next').click();
  await expectViewerOnPage(chair, 3);
  await expectViewerOnPage(delegate, 3);
});
