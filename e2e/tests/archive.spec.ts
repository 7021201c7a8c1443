import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import type { Page } from '@playwright/test';
import { PDFDocument } from 'pdf-lib';
import { openDocuments, uploadThroughPage } from '../support/documents-page.js';
import { createPublishedMeeting } from '../support/meeting-admin.js';
import { expect, test } from '../support/meeting-page.js';

/** A PDF whose text layer holds `lines` in Vietnamese (a system font with the glyphs, as the server's watermark uses). */
async function vietnamesePdf(lines: string[]): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(await readFile('/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf'), { subset: true });
  const page = pdf.addPage([595, 842]);
  lines.forEach((line, index) => page.drawText(line, { x: 50, y: 780 - index * 24, size: 14, font }));
  return Buffer.from(await pdf.save());
}

async function setStatus(page: Page, meetingId: string, status: 'in_progress' | 'ended'): Promise<void> {
  const response = await page.request.post(`/api/meetings/${meetingId}/status`, { data: { status } });
  expect(response.status(), await response.text()).toBe(200);
}

test('after the meeting ends, the secretary finds it in the archive by a word of its document typed without diacritics, and downloads the dossier', async ({ signIn }) => {
  const meetingId = await createPublishedMeeting({
    title: 'Họp giao ban thủy lợi quý IV',
    members: [
      { userId: 'u-chutri', role: 'chair' },
      { userId: 'u-thuky', role: 'secretary' },
      { userId: 'u-daibieu1', role: 'delegate' },
    ],
  });
  const secretary = await signIn('thuky');
  await openDocuments(secretary, meetingId);
  await uploadThroughPage(secretary, {
    name: 'Phương án nạo vét kênh.pdf',
    buffer: await vietnamesePdf(['Phương án nạo vét kênh mương nội đồng', 'Kinh phí dự kiến: 1,2 tỷ đồng']),
  });

  // How the meeting is run is not under test here: the chair starts and ends it through the API.
  const chair = await signIn('chutri');
  await setStatus(chair, meetingId, 'in_progress');
  await setStatus(chair, meetingId, 'ended');

  await secretary.goto('/');
  await secretary.getByTestId('nav-archive').click();
  await secretary.getByTestId('archive-query').fill('nao vet kenh muong');
  await secretary.getByTestId('archive-search').click();
  const result = secretary.locator(`[data-testid="archive-result"][data-meeting-id="${meetingId}"]`);
  await expect(result).toContainText('Họp giao ban thủy lợi quý IV');
  // The snippet quotes the sentence that matched as written, with its diacritics, the words found marked.
  await expect(result.getByTestId('archive-snippet')).toContainText('Phương án nạo vét kênh mương nội đồng');
  await expect(result.getByTestId('archive-snippet').locator('mark')).toHaveText(['nạo', 'vét', 'kênh', 'mương']);

  await result.getByRole('link').click();
  await expect(secretary.getByTestId('dossier-title')).toHaveText('Họp giao ban thủy lợi quý IV');
  await expect(secretary.locator('[data-testid="dossier-part"][data-kind="document"]')).toContainText('Phương án nạo vét kênh');
  await expect(secretary.locator('[data-testid="dossier-part"][data-kind="attendance"]')).toHaveCount(1);

  const downloading = secretary.waitForEvent('download');
  await secretary.getByTestId('dossier-download').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`ho-so-${meetingId}.zip`);
  const dir = await mkdtemp(join(tmpdir(), 'ehop-e2e-dossier-'));
  try {
    const zipPath = join(dir, 'dossier.zip');
    await download.saveAs(zipPath);
    execFileSync('unzip', ['-q', zipPath, '-d', join(dir, 'out')]);
    const manifest = JSON.parse(await readFile(join(dir, 'out', 'manifest.json'), 'utf8')) as {
      meeting: { id: string };
      items: { kind: string; fileName: string; sha256: string; sizeBytes: number }[];
    };
    expect(manifest.meeting.id).toBe(meetingId);
    expect(manifest.items.map((item) => item.kind).sort()).toEqual(['attendance', 'document']);
    for (const item of manifest.items) {
      const bytes = await readFile(join(dir, 'out', item.fileName));
      expect(createHash('sha256').update(bytes).digest('hex'), item.fileName).toBe(item.sha256);
      expect(bytes.length).toBe(item.sizeBytes);
    }
    const documentFile = manifest.items.find((item) => item.kind === 'document')!;
    expect(execFileSync('pdftotext', [join(dir, 'out', documentFile.fileName), '-']).toString('utf8')).toContain('nạo vét kênh mương nội đồng');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
