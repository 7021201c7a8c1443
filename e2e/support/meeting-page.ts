import { test as base, expect, type Browser, type Page } from '@playwright/test';
// The page's window.ehopDebug hook (type only: declares it on Window).
import type {} from '../../client/src/lib/media/debug-hook.js';

export const DEMO_PASSWORD = process.env.DEMO_PASSWORD ?? 'ehop-demo-2026';
export const DEMO_MEETING_ID = 'demo-ubnd-tinh';

/**
 * `signIn(username)`: a fresh browser context (its own cookies, camera and microphone) signed in
 * as `username`. Every context a test opened is closed after it, so no participant of one test
 * is still in the meeting during the next.
 */
export const test = base.extend<{ signIn: (username: string) => Promise<Page> }>({
  signIn: async ({ browser }, use) => {
    const pages: Page[] = [];
    await use(async (username) => {
      const page = await signIn(browser, username);
      pages.push(page);
      return page;
    });
    await Promise.all(pages.map((page) => page.context().close()));
  },
});

export { expect };

async function signIn(browser: Browser, username: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('meeting-item').first()).toBeVisible();
  return page;
}

/** Opens a meeting from the list, waits for the camera preview, and joins. */
export async function joinMeeting(page: Page, meetingId = DEMO_MEETING_ID): Promise<void> {
  await page.locator(`[data-testid="meeting-item"][data-meeting-id="${meetingId}"]`).click();
  await page.getByTestId('join-button').click();
  await expect(page.getByTestId('meeting-room')).toHaveAttribute('data-phase', 'joined');
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
