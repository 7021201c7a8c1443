import type { Page } from '@playwright/test';
import { MAIN_FEED_PEER_ID } from '@ehop/protocol';
import { expect, joinMeeting, openFloorTab, receivedFrom, resetFloor, test } from '../support/meeting-page.js';

/*
 * Floor control with three real browsers: the chair (chutri) and two delegates (daibieu1 asks to
 * speak, daibieu2 tries to unmute itself by forging the request). What is asserted is what people
 * see (the main screen, the queue, their place) and hear (inbound RTP counters of each page).
 */

interface CameraLayer {
  rid: string;
  active: boolean;
  framesEncoded: number;
  frameHeight: number;
}

interface Debug {
  producerId(source: 'mic' | 'camera'): string | null;
  emitRaw(event: string, payload: unknown): Promise<unknown>;
  resumeLocally(source: 'mic' | 'camera'): void;
  cameraLayers(): Promise<CameraLayer[]>;
}

function cameraLayers(page: Page): Promise<CameraLayer[]> {
  return page.evaluate(() => (window as unknown as { ehopDebug: Debug }).ehopDebug.cameraLayers());
}

/**
 * The page's camera encodes exactly `active` of its simulcast layers (lowest first): the encoder
 * is switched on for those and off for the rest, and over a second only those encode frames.
 */
async function expectEncodingLayers(page: Page, active: (layerCount: number) => boolean[]): Promise<void> {
  await expect.poll(async () => {
    const layers = await cameraLayers(page);
    return layers.length > 1 && layers.every((layer, index) => layer.active === active(layers.length)[index]);
  }, { timeout: 20_000 }).toBe(true);
  const before = await cameraLayers(page);
  await page.waitForTimeout(1_000);
  const after = await cameraLayers(page);
  const encoding = after.map((layer, index) => layer.framesEncoded > before[index]!.framesEncoded);
  expect(encoding).toEqual(active(after.length));
}

const lowestOnly = (count: number) => Array.from({ length: count }, (_, index) => index === 0);
const everyLayer = (count: number) => Array.from({ length: count }, () => true);

async function peerIdOf(page: Page, userId: string): Promise<string> {
  const tile = page.locator(`[data-testid="peer-tile"][data-user-id="${userId}"]`);
  await expect(tile).toBeVisible();
  return (await tile.getAttribute('data-peer-id'))!;
}

/** The main screen shows `userId`, and a frame of their video has been presented. */
async function expectMainScreenShowing(page: Page, userId: string): Promise<void> {
  const main = page.getByTestId('main-screen');
  await expect(main).toHaveAttribute('data-user-id', userId);
  await expect(main).toHaveAttribute('data-showing', userId);
  await expect(main.getByTestId('main-screen-caption')).toBeVisible();
}

/** Audio bytes from `peerId` keep arriving at `page`. */
async function expectHearing(page: Page, peerId: string): Promise<void> {
  await expect.poll(async () => (await receivedFrom(page, peerId, 'audio')).bytesReceived).toBeGreaterThan(0);
  const before = (await receivedFrom(page, peerId, 'audio')).bytesReceived;
  await expect.poll(async () => (await receivedFrom(page, peerId, 'audio')).bytesReceived).toBeGreaterThan(before + 1_000);
}

/** No audio byte from `peerId` arrives at `page` over a couple of seconds. */
async function expectNotHearing(page: Page, peerId: string): Promise<void> {
  const before = (await receivedFrom(page, peerId, 'audio')).bytesReceived;
  await page.waitForTimeout(2_000);
  expect((await receivedFrom(page, peerId, 'audio')).bytesReceived).toBe(before);
}

test('the chair gives the floor: every main screen switches to the speaker, only the speaker is heard, a forged unmute is refused', async ({
  signIn,
}) => {
  // Three real browsers sending and decoding video on two shared cores.
  test.setTimeout(150_000);
  const chair = await signIn('chutri');
  const speaker = await signIn('daibieu1');
  const intruder = await signIn('daibieu2');
  for (const page of [chair, speaker, intruder]) await joinMeeting(page);
  await resetFloor(chair);
  await openFloorTab(speaker);
  await openFloorTab(intruder);

  // Before anyone has the floor the chair is on every main screen, and nobody else can unmute.
  for (const page of [speaker, intruder]) await expectMainScreenShowing(page, 'u-chutri');
  await expect(intruder.getByTestId('toggle-mic')).toHaveAttribute('data-locked', 'true');

  // The delegate asks to speak: they see their place; the chair sees the queue; the other delegate does not.
  await speaker.getByTestId('floor-request').click();
  await expect(speaker.getByTestId('my-floor-place')).toHaveAttribute('data-position', '1');
  await expect(chair.getByTestId('floor-queue-item')).toHaveAttribute('data-user-id', 'u-daibieu1');
  await expect(intruder.getByTestId('floor-queue')).toHaveCount(0);

  // The chair gives the floor: the server unmutes the speaker and every main screen shows them.
  await chair.getByTestId('floor-grant').click();
  await expect(speaker.getByTestId('toggle-mic')).toHaveAttribute('data-state', 'on');
  await expectMainScreenShowing(chair, 'u-daibieu1');
  await expectMainScreenShowing(intruder, 'u-daibieu1');
  await expect(speaker.getByTestId('main-screen')).toHaveAttribute('data-user-id', 'u-daibieu1');
  await expect(intruder.getByTestId('main-screen-caption')).toContainText('Lê Minh Tuấn');
  await expect(intruder.getByTestId('main-screen-caption')).toContainText('Huyện Lạc Sơn');

  // The speaker's voice reaches the others through the main-screen feed, which carries the floor holder.
  await expectHearing(chair, MAIN_FEED_PEER_ID);
  await expectHearing(intruder, MAIN_FEED_PEER_ID);

  // The other delegate tampers with its page: turns its microphone on locally and sends the raw unmute.
  const answer = await intruder.evaluate(async () => {
    const debug = (window as unknown as { ehopDebug: Debug }).ehopDebug;
    const producerId = debug.producerId('mic');
    debug.resumeLocally('mic');
    return debug.emitRaw('media:resumeProducer', { producerId });
  });
  expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  const intruderPeerOnChair = await peerIdOf(chair, 'u-daibieu2');
  const intruderPeerOnSpeaker = await peerIdOf(speaker, 'u-daibieu2');
  await Promise.all([expectNotHearing(chair, intruderPeerOnChair), expectNotHearing(speaker, intruderPeerOnSpeaker)]);

  // The chair takes the floor back: the speaker is muted on the server and the main screen returns to the chair.
  await chair.getByTestId('floor-take-back').click();
  await expect(speaker.getByTestId('toggle-mic')).toHaveAttribute('data-state', 'off');
  await expectMainScreenShowing(speaker, 'u-chutri');
  await expectMainScreenShowing(intruder, 'u-chutri');
  await expect(chair.getByTestId('main-screen')).toHaveAttribute('data-user-id', 'u-chutri');
  await intruder.waitForTimeout(500);
  await expectNotHearing(intruder, MAIN_FEED_PEER_ID);
});

test('a camera seen only as a thumbnail encodes its smallest layer only; on the main screen it sends its full picture again', async ({ signIn }) => {
  test.setTimeout(120_000);
  const chair = await signIn('chutri');
  const speaker = await signIn('daibieu1');
  for (const page of [chair, speaker]) await joinMeeting(page);
  await resetFloor(chair);
  await openFloorTab(speaker);

  // The chair sees the delegate as a thumbnail: the delegate's browser stops encoding the larger layers.
  await expectEncodingLayers(speaker, lowestOnly);

  // The delegate asks to speak and is given the floor: every layer comes back, and the main screens show them.
  await speaker.getByTestId('floor-request').click();
  await expect(chair.getByTestId('floor-queue-item')).toHaveAttribute('data-user-id', 'u-daibieu1');
  await chair.getByTestId('floor-grant').click();
  await expectMainScreenShowing(chair, 'u-daibieu1');
  await expectEncodingLayers(speaker, everyLayer);
  // The chair's main screen gets a picture larger than the thumbnail layer.
  const smallestLayerHeight = (await cameraLayers(speaker))[0]!.frameHeight;
  expect(smallestLayerHeight).toBeGreaterThan(0);
  await expect.poll(() => chair.getByTestId('main-screen').locator('video').evaluate((video: HTMLVideoElement) => video.videoHeight), { timeout: 20_000 }).toBeGreaterThan(smallestLayerHeight);

  // The floor taken back: the delegate is a thumbnail again, and its larger layers stop again.
  await chair.getByTestId('floor-take-back').click();
  await expectMainScreenShowing(speaker, 'u-chutri');
  await expectEncodingLayers(speaker, lowestOnly);
});
