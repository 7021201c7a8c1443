import type { Page } from '@playwright/test';
import { createPublishedMeeting } from '../support/meeting-admin.js';
import { expect, joinMeeting, test } from '../support/meeting-page.js';

const row = (page: Page, title: string) => page.getByTestId('agenda-row').filter({ hasText: title });
const titles = (page: Page) => page.getByTestId('agenda-row-title');

async function addItem(page: Page, title: string, minutes: number) {
  const form = page.getByTestId('agenda-item-form');
  if (!(await form.isVisible())) await page.getByTestId('agenda-add').click();
  await form.getByTestId('agenda-form-title').fill(title);
  await form.getByTestId('agenda-form-minutes').fill(String(minutes));
  await form.getByTestId('agenda-form-submit').click();
  await expect(row(page, title)).toBeVisible();
}

test('the chair reorders the agenda by drag and drop and moves to item 2; a delegate sees it with a running timer', async ({ signIn }) => {
  const meetingId = await createPublishedMeeting({
    title: 'Họp kiểm thử chương trình nghị sự',
    members: [
      { userId: 'u-chutri', role: 'chair' },
      { userId: 'u-thuky', role: 'secretary' },
      { userId: 'u-daibieu1', role: 'delegate' },
    ],
  });
  const chair = await signIn('chutri');
  const delegate = await signIn('daibieu1');
  await joinMeeting(chair, meetingId);
  await addItem(chair, 'Khai mạc', 5);
  await addItem(chair, 'Báo cáo tình hình kinh tế – xã hội', 20);
  await addItem(chair, 'Kết luận của Chủ tịch', 10);

  await joinMeeting(delegate, meetingId);
  await expect(titles(delegate)).toHaveText(['Khai mạc', 'Báo cáo tình hình kinh tế – xã hội', 'Kết luận của Chủ tịch']);
  // A delegate reads the agenda but gets no controls to change it.
  await expect(delegate.getByTestId('agenda-add')).toHaveCount(0);
  await expect(row(delegate, 'Khai mạc')).not.toHaveAttribute('draggable', 'true');

  // Drag "Kết luận" onto the top edge of "Báo cáo": it lands before it, for everyone.
  await row(chair, 'Kết luận').dragTo(row(chair, 'Báo cáo'), { targetPosition: { x: 60, y: 3 } });
  const reordered = ['Khai mạc', 'Kết luận của Chủ tịch', 'Báo cáo tình hình kinh tế – xã hội'];
  await expect(titles(chair)).toHaveText(reordered);
  await expect(titles(delegate)).toHaveText(reordered);

  // The keyboard way: move "Báo cáo" up one place, and back down.
  await row(chair, 'Báo cáo').getByTestId('agenda-up').click();
  await expect(titles(delegate)).toHaveText(['Khai mạc', 'Báo cáo tình hình kinh tế – xã hội', 'Kết luận của Chủ tịch']);
  await row(chair, 'Báo cáo').getByTestId('agenda-down').click();
  await expect(titles(delegate)).toHaveText(reordered);

  await chair.getByTestId('meeting-start').click();
  await expect(delegate.getByTestId('meeting-status')).toHaveAttribute('data-status', 'in_progress');

  await row(chair, 'Kết luận').getByTestId('agenda-set-current').click();
  const current = delegate.getByTestId('agenda-current');
  await expect(current).toContainText('2.');
  await expect(current).toContainText('Kết luận của Chủ tịch');
  await expect(row(delegate, 'Kết luận')).toContainText('Đang họp');
  const elapsed = delegate.getByTestId('agenda-elapsed');
  await expect(elapsed).toHaveText(/^0:0\d$/);
  const first = await elapsed.textContent();
  await expect(elapsed).not.toHaveText(first!);
  await expect(current).toContainText('/ 10:00');

  // A late joiner (reload) lands on the same item, with the clock still running from the start.
  await delegate.reload();
  await delegate.getByTestId('join-button').click();
  await expect(delegate.getByTestId('agenda-current')).toContainText('Kết luận của Chủ tịch');
});
