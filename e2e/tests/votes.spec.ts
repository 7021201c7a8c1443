import type { Page } from '@playwright/test';
import { createPublishedMeeting } from '../support/meeting-admin.js';
import { expect, joinMeeting, startWithAgendaItem, test } from '../support/meeting-page.js';

async function openTab(page: Page, tab: 'agenda' | 'attendance' | 'votes') {
  await page.getByTestId(`panel-tab-${tab}`).click();
}

/** The bars of the published results on `page`: option id -> count shown. */
async function shownCounts(page: Page): Promise<Record<string, string>> {
  const rows = page.getByTestId('vote-closed-card').first().getByTestId('vote-result-row');
  const counts: Record<string, string> = {};
  for (const row of await rows.all()) {
    counts[(await row.getAttribute('data-option-id'))!] = (await row.getByTestId('vote-result-count').textContent())!.trim();
  }
  return counts;
}

test('three delegates vote; the chair sees turnout rise, closes, and every page shows the same results', async ({ signIn }) => {
  // Four participants with camera and microphone on two shared cores: joining takes most of it.
  test.setTimeout(180_000);
  const meetingId = await createPublishedMeeting({
    title: 'Họp kiểm thử biểu quyết',
    members: [
      { userId: 'u-chutri', role: 'chair' },
      { userId: 'u-daibieu1', role: 'delegate' },
      { userId: 'u-daibieu2', role: 'delegate' },
      { userId: 'u-daibieu3', role: 'delegate' },
    ],
  });
  const chair = await signIn('chutri');
  await joinMeeting(chair, meetingId);
  await startWithAgendaItem(chair, 'Thông qua Nghị quyết về kế hoạch đầu tư công năm 2027');

  const delegates: Page[] = [];
  // One after the other: four media joins at once overload the two shared cores.
  for (const username of ['daibieu1', 'daibieu2', 'daibieu3']) {
    const delegate = await signIn(username);
    await joinMeeting(delegate, meetingId);
    await openTab(delegate, 'attendance');
    await delegate.getByTestId('self-checkin-present').click();
    await expect(delegate.getByTestId('self-status')).toHaveAttribute('data-status', 'present');
    await openTab(delegate, 'votes');
    delegates.push(delegate);
  }

  await openTab(chair, 'votes');
  await chair.getByTestId('vote-question').fill('Đồng ý thông qua Nghị quyết?');
  await chair.getByTestId('vote-open').click();
  const turnout = chair.getByTestId('vote-turnout');
  await expect(turnout).toHaveAttribute('data-eligible', '3');
  await expect(turnout).toHaveAttribute('data-voted', '0');
  // The chair did not count themselves: no ballot buttons on the chair's screen.
  await expect(chair.getByTestId('vote-choice')).toHaveCount(0);

  const choices = ['agree', 'agree', 'disagree'];
  for (const [index, delegate] of delegates.entries()) {
    await expect(delegate.getByTestId('vote-question-text')).toHaveText('Đồng ý thông qua Nghị quyết?');
    await delegate.locator(`[data-testid="vote-choice"][data-option-id="${choices[index]}"]`).click();
    await expect(delegate.getByTestId('vote-voted')).toBeVisible();
    await expect(turnout).toHaveAttribute('data-voted', String(index + 1));
  }
  await expect(turnout).toContainText('3/3');

  await chair.getByTestId('vote-close').click();
  const expected = { agree: '2', disagree: '1', abstain: '0' };
  for (const page of [chair, ...delegates]) {
    await expect(page.getByTestId('vote-closed-card')).toHaveCount(1);
    expect(await shownCounts(page)).toEqual(expected);
    await expect(page.locator('[data-testid="vote-result-row"][data-option-id="agree"]')).toContainText('66.7%');
  }
  // A named vote lists each delegate's choice.
  await expect(delegates[0]!.getByTestId('vote-ballots')).toContainText('Hà Văn Thắng (Xã Ân Nghĩa): Không đồng ý');
});
