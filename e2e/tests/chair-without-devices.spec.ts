import { chromium, type Browser } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from '@ehop/testkit';
import { expect, joinMeeting, openFloorTab, resetFloor, signIn, test } from '../support/meeting-page.js';

/*
 * A chair's console with no camera and no microphone (a laptop without them): Chromium started
 * without the fake devices, so getUserMedia finds nothing. The chair must still run the floor.
 */

let deviceless: Browser;

test.beforeAll(async () => {
  deviceless = await chromium.launch({
    executablePath: chromiumExecutable,
    args: chromiumArgs.filter((arg) => arg !== '--use-fake-device-for-media-stream'),
  });
});

test.afterAll(async () => {
  await deviceless.close();
});

test('a chair whose browser has no camera or microphone gives and takes back the floor from the floor panel', async ({ signIn: signInWithDevices, baseURL }) => {
  test.setTimeout(120_000);
  const chair = await signIn(deviceless, 'chutri', { baseURL: baseURL });
  const speaker = await signInWithDevices('daibieu1');
  await joinMeeting(chair);
  await joinMeeting(speaker);
  await expect(chair.getByTestId('self-tile')).toBeVisible();
  await resetFloor(chair);
  await openFloorTab(speaker);

  await speaker.getByTestId('floor-request').click();
  await expect(chair.getByTestId('floor-queue-item')).toHaveAttribute('data-user-id', 'u-daibieu1');
  await chair.getByTestId('floor-grant').click();
  await expect(speaker.getByTestId('toggle-mic')).toHaveAttribute('data-state', 'on');
  await expect(chair.getByTestId('floor-holder')).toHaveAttribute('data-user-id', 'u-daibieu1');

  await chair.getByTestId('floor-take-back').click();
  await expect(speaker.getByTestId('toggle-mic')).toHaveAttribute('data-state', 'off');
  await chair.screenshot({ path: test.info().outputPath('chair-without-devices.png') });
});
