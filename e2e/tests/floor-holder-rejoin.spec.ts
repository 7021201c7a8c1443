import type { Page } from '@playwright/test';
import { MAIN_FEED_PEER_ID } from '@ehop/protocol';
import { expect, joinMeeting, openFloorTab, receivedFrom, remotePeerId, resetFloor, test } from '../support/meeting-page.js';

/** Audio bytes of the main-screen feed (which carries the floor holder's voice) received by `page`. */
async function feedAudioBytes(page: Page): Promise<number> {
  return (await receivedFrom(page, MAIN_FEED_PEER_ID, 'audio')).bytesReceived;
}

test('the floor holder whose network drops is heard again after coming back, with nobody clicking anything', async ({ signIn }) => {
  // Two real browsers sending and decoding video on two shared cores, and a network outage.
  test.setTimeout(180_000);
  const chair = await signIn('chutri');
  const delegate = await signIn('daibieu1');
  await joinMeeting(chair);
  await joinMeeting(delegate);
  await resetFloor(chair);

  // The delegate asks to speak and the chair gives the floor: the chair hears the delegate.
  await openFloorTab(delegate);
  await delegate.getByTestId('floor-request').click();
  await expect(chair.getByTestId('floor-queue-item')).toHaveAttribute('data-user-id', 'u-daibieu1');
  await chair.getByTestId('floor-grant').click();
  const micButton = delegate.getByTestId('toggle-mic');
  await expect(micButton).toHaveAttribute('data-state', 'on');
  await expect(chair.getByTestId('floor-holder')).toHaveAttribute('data-user-id', 'u-daibieu1');
  await expect.poll(() => feedAudioBytes(chair), { timeout: 30_000 }).toBeGreaterThan(1_000);
  const before = await remotePeerId(chair, 'u-daibieu1');

  // The commune's link drops: the delegate's page is reconnecting and the chair sees the peer leave.
  await delegate.context().setOffline(true);
  await expect(delegate.getByTestId('meeting-room')).toHaveAttribute('data-phase', 'reconnecting', { timeout: 60_000 });
  await expect(chair.locator(`[data-testid="peer-tile"][data-peer-id="${before}"]`)).toHaveCount(0, { timeout: 60_000 });
  // The floor follows the person, not the lost connection.
  await expect(chair.getByTestId('floor-holder')).toHaveAttribute('data-user-id', 'u-daibieu1');
  const heardBeforeReturn = await feedAudioBytes(chair);

  // The link returns and nobody touches the delegate's page: it rejoins as a new peer, its
  // microphone shows on, and the chair hears the delegate again.
  await delegate.context().setOffline(false);
  await expect(delegate.getByTestId('meeting-room')).toHaveAttribute('data-phase', 'joined', { timeout: 60_000 });
  const after = await remotePeerId(chair, 'u-daibieu1');
  expect(after).not.toBe(before);
  await expect(micButton).toHaveAttribute('data-state', 'on');
  await expect(chair.getByTestId('main-screen')).toHaveAttribute('data-peer-id', after, { timeout: 30_000 });
  await expect.poll(() => feedAudioBytes(chair), { timeout: 30_000 }).toBeGreaterThan(heardBeforeReturn + 1_000);
  const heardAfterReturn = await feedAudioBytes(chair);
  await expect.poll(() => feedAudioBytes(chair)).toBeGreaterThan(heardAfterReturn + 1_000);

  // The chair takes the floor back: the server mutes the delegate and the button follows.
  await chair.getByTestId('floor-take-back').click();
  await expect(micButton).toHaveAttribute('data-state', 'off');
});
