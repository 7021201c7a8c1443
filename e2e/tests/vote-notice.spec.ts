import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expectUncovered } from '../support/layout.js';
import { createPublishedMeeting } from '../support/meeting-admin.js';
import { expect, joinMeeting, startWithAgendaItem, test } from '../support/meeting-page.js';

/*
 * An opened vote reaches everyone at once: a notice and a badge on the votes tab for a delegate
 * looking at another tab, a banner on a hall TV (wholly on screen, covered by nothing, at the
 * sizes TVs and laptops have) until it closes; then the result says whether the motion passed.
 * With EHOP_SCREENSHOTS=<folder>, each screen is saved at each size for a person to look at.
 */

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1280, height: 800 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
];
const QUESTION = 'Thông qua Nghị quyết về kế hoạch đầu tư công năm 2027?';

/** With EHOP_SCREENSHOTS=<folder>: a picture of the page at its size, to look at. */
async function screenshot(page: Page, name: string): Promise<void> {
  const folder = process.env['EHOP_SCREENSHOTS'];
  if (!folder) return;
  mkdirSync(folder, { recursive: true });
  const { width, height } = page.viewportSize()!;
  await page.screenshot({ path: join(folder, `${name}-${width}x${height}.png`) });
}

test('an opened vote reaches a delegate on another tab and a hall TV; the result says whether it passed', async ({ signIn }) => {
  // Three participants with camera and microphone on two shared cores, four screen sizes each.
  test.setTimeout(420_000);
  const meetingId = await createPublishedMeeting({
    title: 'Họp kiểm thử thông báo biểu quyết',
    members: [
      { userId: 'u-chutri', role: 'chair' },
      { userId: 'u-daibieu1', role: 'delegate' },
      { userId: 'u-daibieu2', role: 'delegate' },
      { userId: 'u-daibieu3', role: 'delegate' },
      { userId: 'u-diemcau-xa', role: 'endpoint' },
    ],
  });
  const chair = await signIn('chutri');
  await joinMeeting(chair, meetingId);
  await startWithAgendaItem(chair, 'Kế hoạch đầu tư công năm 2027 của tỉnh Hòa Bình và các huyện, thành phố trực thuộc');

  // One of the three delegates is present: the rule "more than half of those present" counts one.
  const delegate = await signIn('daibieu1');
  await joinMeeting(delegate, meetingId);
  await delegate.getByTestId('panel-tab-attendance').click();
  await delegate.getByTestId('self-checkin-present').click();
  await expect(delegate.getByTestId('self-status')).toHaveAttribute('data-status', 'present');

  const hall = await signIn('diemcau-xa');
  await joinMeeting(hall, meetingId);
  await expect(hall.getByTestId('hall-view')).toBeVisible();

  // The chair's form fits the side panel at every size (it used to overflow it).
  await chair.getByTestId('panel-tab-votes').click();
  for (const size of SIZES) {
    await chair.setViewportSize(size);
    const form = chair.getByTestId('vote-open-form');
    const panel = chair.locator('aside.side');
    const [formBox, panelBox] = [(await form.boundingBox())!, (await panel.boundingBox())!];
    expect(formBox.x + formBox.width, `form inside the panel at ${size.width}x${size.height}`).toBeLessThanOrEqual(panelBox.x + panelBox.width + 0.5);
    expect(await form.evaluate((element) => element.scrollWidth - element.clientWidth)).toBeLessThanOrEqual(0);
    for (const field of ['vote-agenda-item', 'vote-question', 'vote-passing-rule', 'vote-open']) {
      const box = (await chair.getByTestId(field).boundingBox())!;
      expect(box.x + box.width, `${field} inside the panel at ${size.width}x${size.height}`).toBeLessThanOrEqual(panelBox.x + panelBox.width + 0.5);
    }
    await screenshot(chair, 'chair-vote-form');
  }
  await chair.getByTestId('vote-question').fill(QUESTION);
  await chair.getByTestId('vote-passing-rule').selectOption('majority_of_present');
  await chair.getByTestId('vote-open').click();
  await expect(chair.getByTestId('vote-open-card')).toBeVisible();

  // The delegate is on the attendance tab: a notice and a badge on the votes tab.
  const notice = delegate.locator('[data-testid="toast"][data-message-key="votes.openedNotice"]');
  await expect(notice).toContainText(QUESTION);
  const badge = delegate.getByTestId('panel-badge-votes');
  await expect(badge).toHaveText('1');
  await expect(delegate.getByTestId('panel-tab-attendance')).toHaveAttribute('aria-selected', 'true');
  for (const size of SIZES) {
    await delegate.setViewportSize(size);
    await expectUncovered(notice, 'the vote notice');
    await delegate.getByTestId('panel-tab-votes').scrollIntoViewIfNeeded();
    // The badge is a round mark on the tab: the tab (badge included) is what must be in sight.
    await expectUncovered(delegate.getByTestId('panel-tab-votes'), 'the votes tab with its badge');
    await expect(badge).toBeInViewport({ ratio: 1 });
    await screenshot(delegate, 'delegate-vote-notice');
  }

  // The hall TV: a banner while the vote is open, wholly on screen and covered by nothing.
  const banner = hall.getByTestId('hall-vote-banner');
  await expect(banner).toContainText(QUESTION);
  await expect(hall.getByTestId('hall-vote-turnout')).toContainText('0/1');
  for (const size of SIZES) {
    await hall.setViewportSize(size);
    await expectUncovered(banner, 'the hall vote banner');
    // The banner is a row of its own: the picture below it is wholly on screen, nothing over it.
    await expectUncovered(hall.getByTestId('main-screen'), 'the hall main screen under the vote banner');
    await screenshot(hall, 'hall-vote-open');
  }

  await delegate.getByTestId('panel-tab-votes').click();
  await delegate.locator('[data-testid="vote-choice"][data-option-id="agree"]').click();
  await expect(delegate.getByTestId('vote-voted')).toBeVisible();
  await expect(hall.getByTestId('hall-vote-turnout')).toContainText('1/1');
  // Voted: the notice has done its work; the badge stays while the vote is open.
  await expect(notice).toHaveCount(0);
  await expect(badge).toHaveCount(1);

  await chair.getByTestId('vote-close').click();
  // The banner goes; the hall shows that the motion passed, under which rule and by how much.
  await expect(banner).toHaveCount(0);
  const result = hall.getByTestId('hall-vote-result');
  await expect(result.getByTestId('vote-outcome')).toHaveAttribute('data-passed', 'true');
  await expect(result).toContainText('Thông qua');
  await expect(result).toContainText('1/1 đại biểu tán thành (Đồng ý), cần ít nhất 1');
  await expect(result).toContainText('Quá nửa số đại biểu có mặt tán thành');
  await expect(delegate.getByTestId('panel-badge-votes')).toHaveCount(0);
  for (const size of SIZES) {
    await hall.setViewportSize(size);
    await expectUncovered(result, 'the hall vote result');
    await screenshot(hall, 'hall-vote-result');
  }
  for (const page of [chair, delegate]) {
    const outcome = page.getByTestId('vote-closed-card').getByTestId('vote-outcome');
    await expect(outcome).toHaveAttribute('data-passed', 'true');
    await expect(outcome).toContainText('Thông qua');
    // Shares of the one delegate present (the rule's base), not of the ballots cast.
    await expect(page.locator('[data-testid="vote-result-row"][data-option-id="agree"]')).toContainText('100%');
  }
  await chair.getByTestId('vote-closed-card').scrollIntoViewIfNeeded();
  for (const size of SIZES) {
    await chair.setViewportSize(size);
    await screenshot(chair, 'chair-vote-result');
    await delegate.setViewportSize(size);
    await screenshot(delegate, 'delegate-vote-result');
  }
});
