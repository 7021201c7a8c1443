import type { Page } from '@playwright/test';
import { MAIN_FEED_PEER_ID } from '@ehop/protocol';
import { expect, joinMeeting, openFloorTab, receivedFrom, resetFloor, test } from '../support/meeting-page.js';

async function peerIdOf(page: Page, userId: string): Promise<string> {
  const tile = page.locator(`[data-testid="peer-tile"][data-user-id="${userId}"]`);
  await expect(tile).toBeVisible();
  return (await tile.getAttribute('data-peer-id'))!;
}

test('an endpoint whose network drops reconnects by itself and keeps its place in the queue', async ({ signIn }) => {
  test.setTimeout(150_000);
  const chair = await signIn('chutri');
  const delegate = await signIn('daibieu2');
  await joinMeeting(chair);
  await joinMeeting(delegate);
  await resetFloor(chair);
  await openFloorTab(delegate);
  await delegate.getByTestId('floor-request').click();
  await expect(delegate.getByTestId('my-floor-place')).toHaveAttribute('data-position', '1');
  const before = await peerIdOf(chair, 'u-daibieu2');

  // The commune's link drops: the page notices and shows it is reconnecting; the chair sees it leave.
  await delegate.context().setOffline(true);
  await expect(delegate.getByTestId('meeting-room')).toHaveAttribute('data-phase', 'reconnecting', { timeout: 60_000 });
  await expect(chair.locator(`[data-testid="peer-tile"][data-peer-id="${before}"]`)).toHaveCount(0, { timeout: 60_000 });

  // The link returns: nobody clicks anything, the endpoint is back with its video, and its request is still queued.
  await delegate.context().setOffline(false);
  await expect(delegate.getByTestId('meeting-room')).toHaveAttribute('data-phase', 'joined', { timeout: 60_000 });
  const after = await peerIdOf(chair, 'u-daibieu2');
  expect(after).not.toBe(before);
  await expect.poll(async () => (await receivedFrom(chair, after, 'video')).framesDecoded, { timeout: 30_000 }).toBeGreaterThan(0);
  await expect(delegate.getByTestId('my-floor-place')).toHaveAttribute('data-position', '1');
  await expect(chair.getByTestId('floor-queue-item')).toHaveAttribute('data-user-id', 'u-daibieu2');

  // The floor follows the person, not the lost connection: given the floor, the reconnected endpoint
  // is on the chair's main screen and heard (its voice comes through the main-screen feed).
  await chair.getByTestId('floor-grant').click();
  await expect(delegate.getByTestId('toggle-mic')).toHaveAttribute('data-state', 'on');
  await expect(chair.getByTestId('main-screen')).toHaveAttribute('data-showing', 'u-daibieu2', { timeout: 30_000 });
  await expect(chair.getByTestId('main-screen')).toHaveAttribute('data-peer-id', after);
  await expect.poll(async () => (await receivedFrom(chair, MAIN_FEED_PEER_ID, 'audio')).bytesReceived, { timeout: 30_000 }).toBeGreaterThan(0);
  await chair.getByTestId('floor-take-back').click();
});
