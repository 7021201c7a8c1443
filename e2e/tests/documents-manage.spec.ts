import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { Document, Packer, Paragraph, TextRun } from 'docx';
import { PDFDocument } from 'pdf-lib';
import { numberedPdf, openDocuments } from '../support/documents-page.js';
import { expect, test } from '../support/meeting-page.js';

/*
 * Managing documents after upload (rename, file under another agenda item, publish a draft), the
 * file type beside the title, and upload progress a person can read.
 */

function documentItem(page: Page, documentId: string) {
  return page.locator(`[data-testid="document-item"][data-document-id="${documentId}"]`);
}

/** Chooses a file in the picker; resolves to the id of the document it becomes (the newest with that title and type). */
async function upload(page: Page, file: { name: string; buffer: Buffer; mimeType: string }, type: string): Promise<string> {
  const title = file.name.replace(/\.[^.]+$/, '');
  const matching = page.getByTestId('document-item').filter({ hasText: title }).filter({ has: page.locator(`[data-testid="document-type"][data-type="${type}"]`) });
  const before = await matching.count();
  await page.getByTestId('document-file-input').setInputFiles(file);
  await expect(matching).toHaveCount(before + 1, { timeout: 60_000 });
  return (await matching.last().getAttribute('data-document-id'))!;
}

/** Collects every text the upload list's status lines show, as they change (a conversion may take only a second). */
async function recordUploadStatuses(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { uploadStatuses: string[] }).uploadStatuses = seen;
    const record = () => {
      for (const status of document.querySelectorAll('[data-testid="upload-status"], [data-testid="upload-error"]')) {
        const text = status.textContent!.replace(/\s+/g, ' ').trim();
        if (seen.at(-1) !== text) seen.push(text);
      }
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { uploadStatuses: string[] }).uploadStatuses);
}

/** A PDF of about `megabytes` MB (one page and an attachment of random bytes, which do not compress). */
async function largePdf(megabytes: number): Promise<Buffer> {
  const pdf = await PDFDocument.load(await numberedPdf(1));
  await pdf.attach(randomBytes(Math.round(megabytes * 1024 * 1024)), 'phu-luc.bin', { mimeType: 'application/octet-stream' });
  return Buffer.from(await pdf.save());
}

async function wordDocument(text: string): Promise<Buffer> {
  const document = new Document({ sections: [{ children: [new Paragraph({ children: [new TextRun(text)] })] }] });
  return Packer.toBuffer(document);
}

test('the secretary renames a draft, files it under another agenda item and publishes it; delegates see it only then, as changed', async ({ signIn }) => {
  const secretary = await signIn('thuky');
  await openDocuments(secretary);
  const stamp = Date.now();

  // A draft (not published), filed under the first agenda item.
  await secretary.getByTestId('upload-published').uncheck();
  await secretary.getByTestId('upload-agenda-item').focus();
  await secretary.getByTestId('upload-agenda-item').selectOption({ index: 1 });
  const documentId = await upload(secretary, { name: `bao-cao-cntt-${stamp}.pdf`, buffer: await numberedPdf(2), mimeType: 'application/pdf' }, 'pdf');
  const item = documentItem(secretary, documentId);
  await expect(item.getByTestId('document-type')).toHaveText('PDF');
  await expect(item).toContainText('Chưa công bố');

  const delegate = await signIn('daibieu1');
  await openDocuments(delegate);
  const seen = documentItem(delegate, documentId);
  await expect(seen).toHaveCount(0);

  // Renamed and moved to the second agenda item, in one edit.
  await item.getByTestId('document-edit').click();
  const form = item.getByTestId('document-edit-form');
  await expect(form.getByTestId('document-title-input')).toHaveValue(`bao-cao-cntt-${stamp}`);
  const secondItem = (await form.getByTestId('document-agenda-select').locator('option').nth(2).textContent())!.trim();
  await form.getByTestId('document-title-input').fill(`Báo cáo chuyển đổi số quý I ${stamp}`);
  await form.getByTestId('document-agenda-select').selectOption({ label: secondItem });
  await form.getByTestId('document-edit-save').click();
  await expect(form).toHaveCount(0);
  await expect(item).toContainText(`Báo cáo chuyển đổi số quý I ${stamp}`);
  await expect(item.getByTestId('document-agenda-item')).toHaveText(`Mục: ${secondItem}`);
  await expect(seen).toHaveCount(0); // still a draft

  // Published: the delegates' lists show it at once, with its new title and agenda item.
  await item.getByTestId('document-publish').click();
  await expect(item).not.toContainText('Chưa công bố');
  await expect(item.getByTestId('document-publish')).toHaveCount(0);
  await expect(seen).toHaveCount(1);
  await expect(seen).toContainText(`Báo cáo chuyển đổi số quý I ${stamp}`);
  await expect(seen.getByTestId('document-agenda-item')).toHaveText(`Mục: ${secondItem}`);
  await expect(seen.getByTestId('document-type')).toHaveText('PDF');
  // Delegates get none of the organisers' actions.
  await expect(seen.getByTestId('document-edit')).toHaveCount(0);
  await expect(seen.getByTestId('document-publish')).toHaveCount(0);

  // Kept by the server, not just on this page; and taken back to a draft, it leaves the delegates' lists.
  await secretary.reload();
  await expect(documentItem(secretary, documentId)).toContainText(`Báo cáo chuyển đổi số quý I ${stamp}`);
  await documentItem(secretary, documentId).getByTestId('document-edit').click();
  await documentItem(secretary, documentId).getByTestId('document-published-input').uncheck();
  await documentItem(secretary, documentId).getByTestId('document-edit-save').click();
  await expect(seen).toHaveCount(0);
});

test('a Word file and a PDF of the same name are told apart, and uploads show readable progress: the percentage sent, then the stage and time of the conversion', async ({
  signIn,
}) => {
  test.setTimeout(180_000);
  const chair = await signIn('chutri');
  await openDocuments(chair);
  const statuses = await recordUploadStatuses(chair);
  const name = `bao-cao-cntt-${Date.now()}`;

  // A 3 MB PDF over a link slowed to 1 MB/s: the percentage sent climbs.
  const network = await chair.context().newCDPSession(chair);
  await network.send('Network.enable');
  await network.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
  const pdfId = await upload(chair, { name: `${name}.pdf`, buffer: await largePdf(3), mimeType: 'application/pdf' }, 'pdf');
  await network.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const sending = (await statuses()).map((text) => /^Bước 1 — đang tải lên: (\d+)%$/.exec(text)).filter((match) => match !== null);
  const percents = sending.map((match) => Number(match[1]));
  expect(percents.some((percent) => percent > 0 && percent < 100), `percentages seen: ${percents.join(', ')}`).toBe(true);
  expect(percents, 'the percentage only grows').toEqual([...percents].sort((a, b) => a - b));

  // A Word file of the same name: converted on the server; its stage and elapsed time are shown (no invented percentage).
  const wordId = await upload(
    chair,
    { name: `${name}.docx`, buffer: await wordDocument('Báo cáo công nghệ thông tin quý I'), mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
    'word',
  );
  const seenTexts = await statuses();
  expect(seenTexts.filter((text) => /^Bước 2 — (đang chuyển sang PDF… đã|chờ chuyển sang PDF .*đã chờ) \d\d:\d\d$/.test(text)), seenTexts.join(' | ')).not.toEqual([]);
  expect(seenTexts.filter((text) => /%/.test(text) && text.includes('Bước 2')), 'no percentage for the conversion').toEqual([]);

  // Both are listed under the same title, told apart by their type.
  await expect(documentItem(chair, pdfId).getByTestId('document-type')).toHaveText('PDF');
  await expect(documentItem(chair, wordId).getByTestId('document-type')).toHaveText('Word');
  for (const id of [pdfId, wordId]) await expect(documentItem(chair, id)).toContainText(name);
});

test('an upload refused by the server is explained in Vietnamese only, never with the server\'s English sentence', async ({ signIn }) => {
  const secretary = await signIn('thuky');
  await openDocuments(secretary);
  await secretary.getByTestId('document-file-input').setInputFiles({ name: 'qua-lon.pdf', mimeType: 'application/pdf', buffer: await largePdf(6) });
  const tooLarge = secretary.getByTestId('upload-item').filter({ hasText: 'qua-lon.pdf' }).getByTestId('upload-error');
  await expect(tooLarge).toHaveAttribute('data-code', 'file_too_large', { timeout: 30_000 });
  await expect(tooLarge).toHaveText('Tệp quá lớn: tối đa 5 MB.');

  await secretary.getByTestId('document-file-input').setInputFiles({ name: 'khong-phai.pdf', mimeType: 'application/pdf', buffer: Buffer.from('văn bản thường\n'.repeat(40)) });
  const notPdf = secretary.getByTestId('upload-item').filter({ hasText: 'khong-phai.pdf' }).getByTestId('upload-error');
  await expect(notPdf).toHaveAttribute('data-code', 'unsupported_file_type');
  await expect(notPdf).toHaveText('Tệp không phải PDF, Word, Excel hoặc PowerPoint (kiểm tra theo nội dung tệp).');
});
