import { createPublishedMeeting } from '../support/meeting-admin.js';
import { expect, joinMeeting, test } from '../support/meeting-page.js';

test('the chair records; every page shows the red indicator; the recording is listed', async ({ signIn }) => {
  test.setTimeout(180_000);
  const meetingId = await createPublishedMeeting({
    title: 'Họp kiểm thử ghi hình',
    members: [
      { userId: 'u-chutri', role: 'chair' },
      { userId: 'u-daibieu1', role: 'delegate' },
    ],
  });
  const chair = await signIn('chutri');
  await joinMeeting(chair, meetingId);
  await chair.getByTestId('meeting-start').click();
  await expect(chair.getByTestId('meeting-status')).toHaveAttribute('data-status', 'in_progress');
  const delegate = await signIn('daibieu1');
  await joinMeeting(delegate, meetingId);
  // A delegate has no record button.
  await expect(delegate.getByTestId('recording-start')).toHaveCount(0);

  await chair.getByTestId('recording-start').click();
  await expect(chair.getByTestId('recording-indicator')).toBeVisible();
  await expect(delegate.getByTestId('recording-indicator')).toBeVisible();
  await expect(delegate.getByTestId('recording-indicator')).toHaveText(/Đang ghi hình/);

  // Record a few seconds of the chair's camera (the main screen).
  await chair.waitForTimeout(4000);
  await chair.getByTestId('recording-stop').click();
  await expect(delegate.getByTestId('recording-indicator')).toHaveCount(0, { timeout: 30_000 });

  await delegate.getByTestId('panel-tab-recordings').click();
  const item = delegate.getByTestId('recording-item');
  await expect(item).toHaveCount(1);
  // Everyone joined muted: the recording still has its sound track (silence) and is finished.
  await expect(item).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });
  await expect(item.getByTestId('recording-duration')).toHaveText(/^0:0[2-9]$/);
});
