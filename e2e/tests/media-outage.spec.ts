import type { Page } from '@playwright/test';
import { MAIN_FEED_PEER_ID } from '@ehop/protocol';
import { startMeetingStack, type MeetingStack } from '../support/meeting-stack.js';
import { expect, openFloorTab, receivedFrom, signIn, test } from '../support/meeting-page.js';

/*
 * The SFU stops in the middle of a meeting for longer than the web client used to wait (it gave
 * up after about half a minute and showed "failed" with a button nobody in a commune hall would
 * press). This test has its own stack, so the SFU it stops is nobody else's.
 */

/** Longer than the old client's whole retry schedule, with margin. */
const OUTAGE_MS = 40_000;

let stack: MeetingStack;

test.beforeAll(async () => {
  stack = await startMeetingStack();
});

test.afterAll(async () => {
  await stack?.stop();
});

async function openMeeting(page: Page): Promise<void> {
  await page.locator('[data-testid="meeting-item"][data-meeting-id="demo-ubnd-tinh"]').click();
  await page.getByTestId('join-button').click();
}

/** Frames of the main-screen feed's picture this page has decoded so far. */
async function mainFeedFrames(page: Page): Promise<number> {
  return (await receivedFrom(page, MAIN_FEED_PEER_ID, 'video')).framesDecoded;
}

async function expectMainFeedPlaying(page: Page): Promise<void> {
  await expect(page.getByTestId('main-screen')).toHaveAttribute('data-showing', 'u-chutri', { timeout: 30_000 });
  const before = await mainFeedFrames(page);
  await expect.poll(() => mainFeedFrames(page), { timeout: 30_000 }).toBeGreaterThan(before + 10);
}

test('through an SFU outage longer than the old give-up time, every page says it is reconnecting and gets its video back by itself', async ({ browser }) => {
  test.setTimeout(300_000);
  const chair = await signIn(browser, 'chutri', { baseURL: stack.url });
  const hallTv = await signIn(browser, 'diemcau-xa', { baseURL: stack.url });
  const lateTv = await signIn(browser, 'diemcau-huyen', { baseURL: stack.url });
  try {
    for (const page of [chair, hallTv]) {
      await openMeeting(page);
      await expect(page.getByTestId('meeting-room')).toHaveAttribute('data-phase', 'joined', { timeout: 30_000 });
    }
    // The commune hall's TV shows the chair on its main screen.
    await expectMainFeedPlaying(hallTv);

    // The SFU goes away: the pages say at once that they are reconnecting, with the time since the media was lost.
    await stack.stopSfu();
    const stoppedAt = Date.now();
    for (const page of [chair, hallTv]) {
      await expect(page.getByTestId('meeting-room')).toHaveAttribute('data-phase', 'reconnecting', { timeout: 15_000 });
      await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'reconnecting');
    }

    // A TV switched on during the outage is let into the room, reconnecting, not sent back to the join screen.
    await openMeeting(lateTv);
    await expect(lateTv.getByTestId('meeting-room')).toHaveAttribute('data-phase', 'reconnecting', { timeout: 30_000 });

    // Without media the chair still runs the meeting: open discussion and back, seen by the server.
    await openFloorTab(chair);
    await chair.getByTestId('floor-mode-open').click();
    await expect(chair.getByTestId('floor-panel')).toHaveAttribute('data-mode', 'open');
    await chair.getByTestId('floor-mode-floor').click();
    await expect(chair.getByTestId('floor-panel')).toHaveAttribute('data-mode', 'floor');

    // Longer than the old client ever waited: still reconnecting, never "failed", the clock still running.
    await hallTv.waitForTimeout(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    for (const page of [chair, hallTv, lateTv]) {
      await expect(page.getByTestId('meeting-room')).toHaveAttribute('data-phase', 'reconnecting');
      await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'reconnecting');
    }
    await expect(hallTv.getByTestId('connection-status')).toContainText(/Đang kết nối lại… \(mất tín hiệu 00:[3-5]\d\)/);
    await hallTv.screenshot({ path: test.info().outputPath('hall-tv-reconnecting-1280x720.png') });
    await chair.screenshot({ path: test.info().outputPath('chair-reconnecting-1280x720.png') });

    // The SFU is back: nobody clicks anything, and every page shows video again.
    await stack.startSfu();
    for (const page of [chair, hallTv, lateTv]) {
      await expect(page.getByTestId('meeting-room')).toHaveAttribute('data-phase', 'joined', { timeout: 60_000 });
      await expect(page.getByTestId('connection-status')).toHaveCount(0);
    }
    await expectMainFeedPlaying(hallTv);
    await expectMainFeedPlaying(lateTv);
  } finally {
    await Promise.all([chair, hallTv, lateTv].map((page) => page.context().close()));
  }
});
