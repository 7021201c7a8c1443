import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { createPublishedMeeting } from '../support/meeting-admin.js';
import { expect, test } from '../support/meeting-page.js';

const run = promisify(execFile);
const CONCLUSION = 'Hội nghị thống nhất giao Sở Tài chính hoàn thiện dự thảo, trình trước ngày 15 tháng 12.';

async function openMinutes(page: Page, meetingId: string): Promise<void> {
  await page.locator(`[data-testid="meeting-item"][data-meeting-id="${meetingId}"] [data-testid="meeting-minutes-link"]`).click();
  await expect(page.getByTestId('minutes-panel')).toBeVisible();
}

test('the secretary types the minutes, reloads and still has them; the chair approves; the PDF reads in Vietnamese', async ({ signIn }) => {
  const meetingId = await createPublishedMeeting({
    title: 'Họp kiểm thử biên bản',
    members: [
      { userId: 'u-chutri', role: 'chair' },
      { userId: 'u-thuky', role: 'secretary' },
      { userId: 'u-daibieu1', role: 'delegate' },
    ],
  });

  // The secretary opens the minutes from the meeting list: the skeleton is there, in draft.
  const secretary = await signIn('thuky');
  await openMinutes(secretary, meetingId);
  await expect(secretary.getByTestId('minutes-status')).toHaveAttribute('data-status', 'draft');
  await expect(secretary.getByTestId('minutes-editor-details')).toContainText('Thư ký: Trần Thị Mai (Thư ký)');

  const closing = secretary.getByTestId('minutes-editor-closing');
  await closing.click();
  await secretary.keyboard.press('Control+End');
  await secretary.keyboard.press('Enter');
  await secretary.keyboard.type(CONCLUSION);
  await expect(secretary.getByTestId('minutes-save-state')).toHaveAttribute('data-state', 'saved');

  // The system's data as it is now can be added to a section (then saved like typing).
  const attendance = secretary.getByTestId('minutes-editor-attendance');
  await expect(attendance.getByText(/^Tổng số: 3 người/)).toHaveCount(1);
  await secretary.locator('[data-section-id="attendance"]').getByRole('button', { name: 'Chèn dữ liệu hệ thống mới nhất' }).click();
  await expect(attendance.getByText(/^Tổng số: 3 người/)).toHaveCount(2);
  await expect(secretary.getByTestId('minutes-save-state')).toHaveAttribute('data-state', 'saved');

  await secretary.reload();
  await expect(secretary.getByTestId('minutes-editor-closing')).toContainText(CONCLUSION);
  await expect(secretary.getByTestId('minutes-editor-attendance').getByText(/^Tổng số: 3 người/)).toHaveCount(2);

  // An earlier version can be viewed (read-only), then back to the current text.
  await secretary.getByRole('button', { name: 'Các phiên bản' }).click();
  await secretary.getByTestId('minutes-version').last().click();
  await expect(secretary.getByTestId('minutes-viewing-version')).toBeVisible();
  await expect(secretary.getByTestId('minutes-editor-closing')).not.toContainText(CONCLUSION);
  await expect(secretary.getByTestId('minutes-editor-closing')).toHaveAttribute('contenteditable', 'false');
  await secretary.getByRole('button', { name: 'Về bản hiện tại' }).click();
  await expect(secretary.getByTestId('minutes-editor-closing')).toContainText(CONCLUSION);

  await secretary.getByLabel('Số, ký hiệu').fill('15/BB-UBND');
  await secretary.getByRole('button', { name: 'Lưu', exact: true }).click();
  await expect(secretary.getByRole('button', { name: 'Lưu', exact: true })).toBeDisabled();
  await secretary.getByRole('button', { name: 'Trình chủ trì duyệt' }).click();
  await expect(secretary.getByTestId('minutes-status')).toHaveAttribute('data-status', 'submitted');
  await expect(secretary.getByTestId('minutes-editor-closing')).toHaveAttribute('contenteditable', 'false');

  // The skeleton's blanks are still there (the agenda this meeting never had, "… giờ … phút",
  // "lập thành … bản"): the chair's approval is refused, and the panel says which and where;
  // the chair returns the minutes.
  const chair = await signIn('chutri');
  await openMinutes(chair, meetingId);
  await expect(chair.getByTestId('minutes-status')).toHaveAttribute('data-status', 'submitted');
  await expect(chair.getByTestId('minutes-editor-closing')).toContainText(CONCLUSION);
  await chair.getByTestId('minutes-approve').click();
  const refusal = chair.getByTestId('minutes-blanks');
  await expect(refusal).toHaveAttribute('data-refused', 'true');
  await expect(refusal).toContainText('Chưa duyệt được: biên bản còn 3 chỗ trống cần điền');
  await expect(refusal.getByTestId('minutes-blank')).toHaveText([
    'III. CHƯƠNG TRÌNH CUỘC HỌP: …',
    'IV. KẾT THÚC CUỘC HỌP: Cuộc họp kết thúc vào lúc … giờ … phút cùng ngày.',
    /^IV\. KẾT THÚC CUỘC HỌP: .*được lập thành … bản có giá trị như nhau\.$/,
  ]);
  await expect(chair.getByTestId('minutes-status')).toHaveAttribute('data-status', 'submitted');
  await chair.getByTestId('minutes-return').click();
  await expect(chair.getByTestId('minutes-status')).toHaveAttribute('data-status', 'draft');

  // The secretary sees the same list, fills the blanks in and submits again.
  await expect(secretary.getByTestId('minutes-status')).toHaveAttribute('data-status', 'draft');
  await expect(secretary.getByTestId('minutes-blank')).toHaveCount(3);
  await secretary.getByTestId('minutes-editor-agenda').click();
  await secretary.keyboard.press('Control+A');
  await secretary.keyboard.type('Thông qua dự thảo kế hoạch năm 2027.');
  await expect(secretary.getByTestId('minutes-blank')).toHaveCount(2);
  const closingAgain = secretary.getByTestId('minutes-editor-closing');
  await closingAgain.click();
  await secretary.keyboard.press('Control+A');
  await secretary.keyboard.type(`${CONCLUSION} Cuộc họp kết thúc vào lúc 11 giờ 30 phút cùng ngày; biên bản lập thành 02 bản.`);
  await expect(secretary.getByTestId('minutes-blanks')).toHaveCount(0);
  await expect(secretary.getByTestId('minutes-save-state')).toHaveAttribute('data-state', 'saved');
  await secretary.getByRole('button', { name: 'Trình chủ trì duyệt' }).click();
  await expect(chair.getByTestId('minutes-status')).toHaveAttribute('data-status', 'submitted');

  // The chair approves; the secretary's page follows without a reload.
  await expect(chair.getByTestId('minutes-blanks')).toHaveCount(0);
  await chair.getByRole('button', { name: 'Duyệt biên bản' }).click();
  await expect(chair.getByTestId('minutes-status')).toHaveAttribute('data-status', 'approved');
  await expect(secretary.getByTestId('minutes-status')).toHaveAttribute('data-status', 'approved');

  // The exported PDF carries the Decree 30 headings with their diacritics, and the text typed.
  const downloading = chair.waitForEvent('download');
  await chair.getByTestId('minutes-pdf').click();
  const download = await downloading;
  const dir = await mkdtemp(join(tmpdir(), 'ehop-minutes-'));
  try {
    const file = join(dir, 'bien-ban.pdf');
    await download.saveAs(file);
    const { stdout } = await run('pdftotext', ['-layout', file, '-']);
    for (const heading of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'BIÊN BẢN', 'Số: 15/BB-UBND', 'THƯ KÝ', 'CHỦ TRÌ']) {
      expect(stdout).toContain(heading);
    }
    expect(stdout.replace(/\s+/g, ' ')).toContain(CONCLUSION);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // A delegate reads the approved minutes, and cannot change them.
  const delegate = await signIn('daibieu1');
  await delegate.goto(`/#/meetings/${meetingId}/minutes`);
  await expect(delegate.getByTestId('minutes-status')).toHaveAttribute('data-status', 'approved');
  await expect(delegate.getByTestId('minutes-editor-closing')).toHaveAttribute('contenteditable', 'false');
});

test('text typed while the connection is down is kept in the browser and saved when the minutes open again', async ({ signIn }) => {
  const meetingId = await createPublishedMeeting({
    title: 'Họp kiểm thử biên bản ngoại tuyến',
    members: [
      { userId: 'u-chutri', role: 'chair' },
      { userId: 'u-thuky', role: 'secretary' },
    ],
  });
  const secretary = await signIn('thuky');
  await openMinutes(secretary, meetingId);
  await expect(secretary.getByTestId('minutes-status')).toHaveAttribute('data-status', 'draft');

  await secretary.context().setOffline(true);
  const closing = secretary.getByTestId('minutes-editor-closing');
  await closing.click();
  await secretary.keyboard.press('Control+End');
  await secretary.keyboard.press('Enter');
  await secretary.keyboard.type('Ghi khi mất mạng.');
  await expect(secretary.getByTestId('minutes-save-state')).toHaveAttribute('data-state', /saving|error/);
  // The tab goes away before anything reached the server.
  await secretary.close({ runBeforeUnload: false });

  await secretary.context().setOffline(false);
  const again = await secretary.context().newPage();
  await again.goto(`/#/meetings/${meetingId}/minutes`);
  await expect(again.getByTestId('minutes-editor-closing')).toContainText('Ghi khi mất mạng.');
  await expect(again.getByTestId('minutes-save-state')).toHaveAttribute('data-state', 'saved');

  // It is on the server now: the chair sees it.
  const chair = await signIn('chutri');
  await chair.goto(`/#/meetings/${meetingId}/minutes`);
  await expect(chair.getByTestId('minutes-editor-closing')).toContainText('Ghi khi mất mạng.');
});
