import { test as base, expect, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
// The page's window.ehopDebug hook (type only: declares it on Window).
import type {} from '../../client/src/lib/media/debug-hook.js';

export const DEMO_PASSWORD = process.env.DEMO_PASSWORD ?? 'ehop-demo-2026';
export const DEMO_MEETING_ID = 'demo-ubnd-tinh';

/**
 * `signIn(username, options?)`: a fresh browser context (its own cookies, camera and microphone;
 * `options` e.g. another time zone or viewport) signed in as `username`. Every context a test
 * opened is closed after it, so no participant of one test is still in the meeting during the next.
 */
export const test = base.extend<{ signIn: (username: string, options?: BrowserContextOptions) => Promise<Page> }>({
  signIn: async ({ browser }, use) => {
    const pages: Page[] = [];
    await use(async (username, options) => {
      const page = await signIn(browser, username, options);
      pages.push(page);
      return page;
    });
    await Promise.all(pages.map((page) => page.context().close()));
  },
});

export { expect };

/**
 * A fresh context of `browser` signed in as `username` (`options` e.g. another time zone, viewport,
 * or `baseURL` for a stack of the test's own). The caller closes its context (the `signIn` fixture
 * does it for the pages it made).
 */
export async function signIn(browser: Browser, username: string, options: BrowserContextOptions = {}): Promise<Page> {
  // A browser launched by the test itself does not get the config's context options: give the locale here.
  const context = await browser.newContext({ locale: 'vi-VN', ...options });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  // Signed in: the meeting list shows (empty for an administrator who attends none).
  await expect(page.getByTestId('meeting-item').or(page.getByTestId('meetings-empty')).first()).toBeVisible();
  return page;
}

/** Opens a meeting from the list, waits for the camera preview, and joins. */
export async function joinMeeting(page: Page, meetingId = DEMO_MEETING_ID): Promise<void> {
  await page.locator(`[data-testid="meeting-item"][data-meeting-id="${meetingId}"]`).click();
  await page.getByTestId('join-button').click();
  await expect(page.getByTestId('meeting-room')).toHaveAttribute('data-phase', 'joined', { timeout: 30_000 });
}

export function inboundStats(page: Page) {
  return page.evaluate(() => window.ehopDebug.inboundStats());
}

/** Inbound stats of one kind from one remote user, summed over that user's consumers. */
export async function receivedFrom(page: Page, peerId: string, kind: 'audio' | 'video') {
  const stats = (await inboundStats(page)).filter((stat) => stat.peerId === peerId && stat.kind === kind);
  return {
    consumers: stats.length,
    bytesReceived: stats.reduce((sum, stat) => sum + stat.bytesReceived, 0),
    framesDecoded: stats.reduce((sum, stat) => sum + (stat.framesDecoded ?? 0), 0),
  };
}

/** Opens the side panel's floor tab (asking to speak, the queue, the chair's controls). */
export async function openFloorTab(page: Page): Promise<void> {
  await page.getByTestId('panel-tab-floor').click();
  await expect(page.getByTestId('floor-panel')).toBeVisible();
}

/** The chair switches the meeting to open discussion (everyone may unmute) and waits until it shows. */
export async function openDiscussion(chair: Page): Promise<void> {
  await openFloorTab(chair);
  await chair.getByTestId('floor-mode-open').click();
  await expect(chair.getByTestId('floor-panel')).toHaveAttribute('data-mode', 'open');
}

/**
 * The chair puts the meeting back in its initial state: floor control, nobody holding the floor,
 * the speaker (or the chair) on the main screen. The floor is kept in Redis across tests.
 */
export async function resetFloor(chair: Page): Promise<void> {
  await openFloorTab(chair);
  await expect(chair.getByTestId('floor-panel')).toHaveAttribute('data-mode', /floor|open/);
  if ((await chair.getByTestId('floor-take-back').count()) > 0) await chair.getByTestId('floor-take-back').click();
  await chair.getByTestId('floor-mode-floor').click();
  await expect(chair.getByTestId('floor-panel')).toHaveAttribute('data-mode', 'floor');
  await chair.getByTestId('main-screen-select').selectOption('floor');
  await expect(chair.getByTestId('floor-holder')).toHaveAttribute('data-user-id', '');
}

/** Unmutes once the floor allows it (the button is unlocked) and waits until the microphone is on. */
export async function unmute(page: Page): Promise<void> {
  const toggle = page.getByTestId('toggle-mic');
  await expect(toggle).toHaveAttribute('data-locked', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('data-state', 'on');
}

/** The chair, in the room, starts the meeting and gives it one agenda item (votes need one). */
export async function startWithAgendaItem(chair: Page, title: string): Promise<void> {
  await chair.getByTestId('meeting-start').click();
  await expect(chair.getByTestId('meeting-status')).toHaveAttribute('data-status', 'in_progress');
  await chair.getByTestId('agenda-add').click();
  await chair.getByTestId('agenda-form-title').fill(title);
  await chair.getByTestId('agenda-form-minutes').fill('15');
  await chair.getByTestId('agenda-form-submit').click();
  await expect(chair.getByTestId('agenda-row')).toHaveCount(1);
}

/** The remote tile of `userId` on `page`, and the peer id it carries. */
export async function remotePeerId(page: Page, userId: string): Promise<string> {
  const tile = page.locator(`[data-testid="peer-tile"][data-user-id="${userId}"]`);
  await expect(tile).toBeVisible();
  const peerId = await tile.getAttribute('data-peer-id');
  expect(peerId).toBeTruthy();
  return peerId!;
}

/** Asserts that `page` decodes `peerId`'s video and receives its audio, and that both keep flowing. */
export async function expectReceivingMediaFrom(page: Page, peerId: string): Promise<void> {
  await expect.poll(async () => (await receivedFrom(page, peerId, 'video')).framesDecoded).toBeGreaterThan(0);
  await expect.poll(async () => (await receivedFrom(page, peerId, 'audio')).bytesReceived).toBeGreaterThan(0);
  const before = { video: await receivedFrom(page, peerId, 'video'), audio: await receivedFrom(page, peerId, 'audio') };
  await expect
    .poll(async () => (await receivedFrom(page, peerId, 'video')).framesDecoded)
    .toBeGreaterThan(before.video.framesDecoded + 10);
  await expect
    .poll(async () => (await receivedFrom(page, peerId, 'video')).bytesReceived)
    .toBeGreaterThan(before.video.bytesReceived);
  await expect
    .poll(async () => (await receivedFrom(page, peerId, 'audio')).bytesReceived)
    .toBeGreaterThan(before.audio.bytesReceived);
}
