import type { Page } from '@playwright/test';
import { createPublishedMeeting } from '../support/meeting-admin.js';
import { expect, joinMeeting, test } from '../support/meeting-page.js';

async function openAttendance(page: Page) {
  await page.getByTestId('panel-tab-attendance').click();
  await expect(page.getByTestId('attendance-panel')).toBeVisible();
}

test("the secretary records an absence, a delegate checks in, and the chair's tally follows", async ({ signIn }) => {
  const meetingId = await createPublishedMeeting({
    title: 'Họp kiểm thử điểm danh',
    invitedUnitIds: ['xa-an-nghia'],
    members: [
      { userId: 'u-chutri', role: 'chair' },
      { userId: 'u-thuky', role: 'secretary' },
      { userId: 'u-daibieu1', role: 'delegate' },
      { userId: 'u-daibieu2', role: 'delegate' },
    ],
  });
  const chair = await signIn('chutri');
  const secretary = await signIn('thuky');
  await joinMeeting(chair, meetingId);
  await joinMeeting(secretary, meetingId);
  await openAttendance(chair);
  await openAttendance(secretary);

  await expect(chair.getByTestId('tally-none')).toHaveText('4');
  await expect(chair.getByTestId('quorum-status')).toHaveText('Chưa đủ số lượng');
  // The invited commune's endpoint is listed, not connected.
  await expect(chair.locator('[data-testid="endpoint-row"][data-user-id="u-diemcau-xa"]')).toHaveAttribute('data-online', 'false');

  const absentee = secretary.locator('[data-testid="attendance-row"][data-user-id="u-daibieu2"]');
  await absentee.getByTestId('record-absent').click();
  await absentee.getByTestId('absence-reason').fill('Đi công tác tại Hà Nội');
  await absentee.getByTestId('absence-confirm').click();

  await expect(chair.getByTestId('tally-absent')).toHaveText('1');
  await expect(chair.getByTestId('tally-none')).toHaveText('3');
  const onChair = chair.locator('[data-testid="attendance-row"][data-user-id="u-daibieu2"]');
  await expect(onChair).toHaveAttribute('data-status', 'absent');
  await expect(onChair).toContainText('Đi công tác tại Hà Nội');

  const delegate = await signIn('daibieu1');
  await joinMeeting(delegate, meetingId);
  await openAttendance(delegate);
  // A delegate sees their own check-in, not the others' list.
  await expect(delegate.getByTestId('attendance-row')).toHaveCount(0);
  await delegate.getByTestId('self-checkin-present').click();
  await expect(delegate.getByTestId('self-status')).toHaveAttribute('data-status', 'present');

  await expect(chair.getByTestId('tally-present')).toHaveText('1');
  await expect(chair.getByTestId('quorum')).toContainText('1/2');
  await expect(chair.getByTestId('quorum-status')).toHaveText('Chưa đủ số lượng');
  await expect(secretary.locator('[data-testid="attendance-row"][data-user-id="u-daibieu1"]')).toHaveAttribute('data-status', 'present');
});
