import { expect, type Browser, type Page } from '@playwright/test';

export const DEMO_PASSWORD = process.env.DEMO_PASSWORD ?? 'ehop-demo-2026';
export const DEMO_MEETING_ID = 'demo-ubnd-tinh';

export interface InboundStat {
  peerId: string;
  consumerId: string;
  kind: 'audio' | 'video';
  bytesReceived: number;
  framesDecoded?: number;
  packetsLost: number;
}

/** A fresh browser context (its own cookies, camera and microphone) signed in as `username`. */
export async function signIn(browser: Browser, username: string): Promise<Page> {
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

export function inboundStats(page: Page): Promise<InboundStat[]> {
  return page.evaluate(() => (window as unknown as { ehopDebug: { inboundStats(): Promise<InboundStat[]> } }).ehopDebug.inboundStats());
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
