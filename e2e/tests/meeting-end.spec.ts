import { createPublishedMeeting } from '../support/meeting-admin.js';
import { expect, inboundStats, joinMeeting, test } from '../support/meeting-page.js';

/** How Vietnamese offices write a moment, in Vietnam ("04/12/2026 10:05"): what every screen must show. */
function vietnamDateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' }).replace(', ', ' ');
}

test('the chair ends the meeting: the delegate is taken to the ended screen, with no video left, and times in Vietnam time on a browser set to New York', async ({ signIn }) => {
  test.setTimeout(180_000);
  const meetingId = await createPublishedMeeting({
    title: 'Họp kiểm thử kết thúc',
    members: [
      { userId: 'u-chutri', role: 'chair' },
      { userId: 'u-thuky', role: 'secretary' },
      { userId: 'u-daibieu1', role: 'delegate' },
    ],
  });
  const chair = await signIn('chutri');
  await joinMeeting(chair, meetingId);
  await chair.getByTestId('meeting-start').click();
  await expect(chair.getByTestId('meeting-status')).toHaveAttribute('data-status', 'in_progress');

  // The delegate's laptop is set to New York: 12 hours behind Vietnam in December.
  const delegate = await signIn('daibieu1', { timezoneId: 'America/New_York' });
  expect(await delegate.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe('America/New_York');
  await joinMeeting(delegate, meetingId);
  // The chair's picture arrives.
  await expect.poll(async () => (await inboundStats(delegate)).some((stat) => stat.kind === 'video' && (stat.framesDecoded ?? 0) > 0)).toBe(true);
  await expect(delegate.locator('video').first()).toBeAttached();

  // A short recording: the list shows when it started in Vietnam time, not New York's.
  await chair.getByTestId('recording-start').click();
  await expect(delegate.getByTestId('recording-indicator')).toBeVisible();
  await chair.waitForTimeout(2000);
  await chair.getByTestId('recording-stop').click();
  await expect(delegate.getByTestId('recording-indicator')).toHaveCount(0, { timeout: 30_000 });
  await delegate.getByTestId('panel-tab-recordings').click();
  const started = delegate.getByTestId('recording-started');
  await expect(started).toHaveCount(1);
  expect(await started.textContent()).toBe(vietnamDateTime((await started.getAttribute('datetime'))!));

  // The chair is told what ending does, then ends it.
  await chair.getByTestId('meeting-end').click();
  await expect(chair.getByText('Kết thúc cuộc họp sẽ dừng phát biểu, trình chiếu và ghi hình')).toBeVisible();
  await chair.getByTestId('meeting-end-confirm').click();

  // The delegate is out of the room at once: the ended screen, no video, nothing received any more.
  await expect(delegate.getByTestId('meeting-ended')).toBeVisible();
  await expect(delegate.getByTestId('meeting-room')).toHaveCount(0);
  await expect(delegate.locator('video')).toHaveCount(0);
  expect(await inboundStats(delegate)).toEqual([]);
  await expect(delegate.getByTestId('ended-minutes')).toHaveCount(0);
  await expect(delegate.getByTestId('ended-dossier')).toBeVisible();
  await expect(delegate.getByTestId('ended-back')).toBeVisible();

  // When it ended, in Vietnam time although the browser is in New York.
  const endedAt = delegate.getByTestId('ended-at');
  const endedIso = (await endedAt.getAttribute('datetime'))!;
  await expect(endedAt).toHaveText(`Kết thúc lúc ${vietnamDateTime(endedIso)}`);
  const newYorkClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(endedIso));
  await expect(endedAt).not.toContainText(newYorkClock);

  // The chair gets there too, with the way to the minutes; the secretary opening the meeting now as well.
  await expect(chair.getByTestId('meeting-ended')).toBeVisible();
  await expect(chair.getByTestId('ended-minutes')).toBeVisible();
  const secretary = await signIn('thuky');
  await secretary.locator(`[data-testid="meeting-item"][data-meeting-id="${meetingId}"]`).click();
  await expect(secretary.getByTestId('meeting-ended')).toBeVisible();
  await secretary.getByTestId('ended-minutes').click();
  await expect(secretary.getByTestId('minutes-panel')).toBeVisible();
  // The minutes know when the meeting ended.
  await expect(secretary.getByTestId('minutes-editor-closing')).toContainText(/Cuộc họp kết thúc vào lúc \d\d giờ \d\d phút/);
});
