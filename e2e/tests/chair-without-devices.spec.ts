import { chromium, type Browser, type Page } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from '@ehop/testkit';
import { DEMO_PASSWORD, expect, joinMeeting, openFloorTab, resetFloor, test } from '../support/meeting-page.js';

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

async function signInWithoutDevices(username: string, baseURL: string): Promise<Page> {
  const context = await deviceless.newContext({ baseURL, locale: 'vi-VN' });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('meeting-item').first()).toBeVisible();
  return page;
}

test('a chair whose browser has no camera or microphone gives and takes back the floor from the floor panel', async ({ signIn, baseURL }) => {
  test.setTimeout(120_000);
  const chair = await signInWithoutDevices('chutri', baseURL!);
  const speaker = await signIn('daibieu1');
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
