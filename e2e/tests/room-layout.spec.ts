import type { Page } from '@playwright/test';
import { numberedPdf, openDocuments, rawSocketOf, uploadThroughPage } from '../support/documents-page.js';
import { expectAllUncovered, expectNoPageScroll, expectUncovered, onScreen, resize, SCREEN_SIZES } from '../support/layout.js';
import { DEMO_MEETING_ID, expect, joinMeeting, openFloorTab, resetFloor, test } from '../support/meeting-page.js';

/*
 * What people look at, at every common laptop and TV size, checked by bounding boxes and by what
 * `elementFromPoint` finds on top: the hall TV's caption (who speaks, their unit, the time left),
 * the chair's thumbnails with their names, every tab of the side panel, the presented page.
 */

/** The main screen's caption (name, unit, time left) and its picture are wholly on screen, nothing over them. */
async function expectSpeakerCaption(page: Page, where: string): Promise<void> {
  const main = page.getByTestId('main-screen');
  await expect(main.getByTestId('speaking-countdown')).toBeVisible();
  const caption = main.locator('[data-testid="main-screen-caption"], [data-testid="main-screen-name"], [data-testid="main-screen-unit"], [data-testid="speaking-countdown"]');
  await expectAllUncovered(caption, `${where}: caption, speaker's name, unit, time left`, 4);
  await expect(main.getByTestId('main-screen-name')).toHaveText('Lê Minh Tuấn (Huyện Lạc Sơn)');
  await expect(main.getByTestId('main-screen-unit')).toHaveText('Huyện Lạc Sơn');
  const picture = await onScreen(main);
  expect(picture.inside, `${where}: the main screen inside the window ${JSON.stringify(picture.rect)}`).toBe(true);
}

async function joinInEnglish(page: Page): Promise<void> {
  await page.evaluate(() => localStorage.setItem('ehop.locale', 'en'));
  await page.reload();
  await joinMeeting(page);
}

test('at every size the hall TV shows who speaks with its controls out of the picture, the chair sees every hall and name, every tab is in reach', async ({
  signIn,
}) => {
  test.setTimeout(240_000);
  const chair = await signIn('chutri');
  const delegate = await signIn('daibieu1');
  const hall = await signIn('diemcau-xa');
  await joinMeeting(chair);
  await joinInEnglish(delegate);
  await joinMeeting(hall);
  await resetFloor(chair);

  // The delegate gets the floor: every main screen names them, with the time they have left.
  await openFloorTab(delegate);
  await delegate.getByTestId('floor-request').click();
  await chair.getByTestId('floor-grant').click();
  await expect(hall.getByTestId('speaking-countdown')).toBeVisible();

  // The header counts the commune hall as an endpoint and the chair and the delegate as people.
  await expect(chair.getByTestId('peer-count')).toHaveText('1 điểm cầu · 2 người đang kết nối');
  await expect(delegate.getByTestId('peer-count')).toHaveText('1 endpoint · 2 people connected');

  // The hall TV, left alone: its controls leave, the caption is on screen, the page does not scroll.
  const hallRoom = hall.getByTestId('meeting-room');
  await expect(hall.getByTestId('hall-view')).toBeVisible();
  for (const size of SCREEN_SIZES) {
    await resize(hall, size);
    await expect(hallRoom).toHaveAttribute('data-controls', 'hidden', { timeout: 10_000 });
    await expect(hall.getByTestId('leave-button')).not.toBeInViewport({ ratio: 0.01 });
    await expectSpeakerCaption(hall, `hall TV ${size.width}x${size.height}`);
    await expectNoPageScroll(hall);
  }

  // Someone moves the mouse: the controls come back, beside the picture rather than over it.
  await hall.mouse.move(300, 300);
  await hall.mouse.move(320, 310);
  await expect(hallRoom).toHaveAttribute('data-controls', 'shown');
  await expectUncovered(hall.getByTestId('leave-button'), 'hall TV: leave button');
  await expectUncovered(hall.getByTestId('hall-mode-toggle'), 'hall TV: hall-mode switch');
  await expectSpeakerCaption(hall, 'hall TV with its controls');
  await expectNoPageScroll(hall);
  await expect(hallRoom).toHaveAttribute('data-controls', 'hidden', { timeout: 10_000 });

  // The keyboard brings them back too, and they stay while focus is in them.
  await hall.keyboard.press('Tab');
  await expect(hallRoom).toHaveAttribute('data-controls', 'shown');
  await hall.waitForTimeout(5_000);
  await expect(hallRoom).toHaveAttribute('data-controls', 'shown');
  // A click on the picture lets go of the focus: after a few quiet seconds they leave again.
  await hall.getByTestId('main-screen').click();
  await expect(hallRoom).toHaveAttribute('data-controls', 'hidden', { timeout: 10_000 });

  // The chair (in Vietnamese) and the delegate (in English): the caption, every thumbnail with its
  // name, every tab of the side panel, and the controls, all on screen and uncovered.
  for (const [page, who] of [
    [chair, 'chair'],
    [delegate, 'delegate'],
  ] as const) {
    for (const size of SCREEN_SIZES) {
      const where = `${who} ${size.width}x${size.height}`;
      await resize(page, size);
      await expectSpeakerCaption(page, where);
      await expectAllUncovered(page.locator('[data-testid="self-tile"], [data-testid="peer-tile"]'), `${where}: thumbnails`, 3);
      await expectAllUncovered(page.getByTestId('thumbnail-strip').getByTestId('tile-name'), `${where}: thumbnail names`, 3);
      await expectAllUncovered(page.getByRole('tab'), `${where}: side-panel tabs`, 5);
      await expectAllUncovered(page.getByTestId('room-controls').getByRole('button'), `${where}: control bar`, 3);
      await expectNoPageScroll(page);
    }
  }
  await expect(chair.getByRole('tab')).toHaveCount(6); // the chair also has the minutes
  await expect(chair.getByTestId('thumbnail-strip').getByTestId('tile-name')).toContainText(['Nguyễn Văn Hùng', 'Lê Minh Tuấn', 'Điểm cầu UBND xã Ân Nghĩa']);

  await chair.getByTestId('floor-take-back').click();
});

test('a presented page keeps its proportions on the hall TV and the main screen, and beside the video it can be read', async ({ signIn, baseURL }) => {
  test.setTimeout(180_000);
  const chair = await signIn('chutri');
  await openDocuments(chair);
  const documentId = await uploadThroughPage(chair, { name: `Tờ trình trình chiếu ${Date.now()}.pdf`, buffer: await numberedPdf(3) });
  const a4 = 842 / 595;

  const hall = await signIn('diemcau-xa');
  const delegate = await signIn('daibieu2');
  await chair.goto('/');
  await joinMeeting(chair);
  await joinMeeting(hall);
  await joinMeeting(delegate);

  // The chair presents page 2 and puts the document on every main screen.
  const presenter = await rawSocketOf(chair, baseURL!);
  try {
    expect(await presenter.timeout(5000).emitWithAck('presentation:start', { meetingId: DEMO_MEETING_ID, documentId, page: 2 })).toMatchObject({ ok: true });
    await openFloorTab(chair);
    await chair.getByTestId('main-screen-select').selectOption('document');
    await expect(hall.getByTestId('main-screen')).toHaveAttribute('data-mode', 'document');

    const shown = (page: Page) => page.getByTestId('main-screen').getByTestId('viewer-canvas');
    for (const [page, who] of [
      [hall, 'hall TV'],
      [delegate, 'delegate'],
    ] as const) {
      await expect(page.getByTestId('main-screen').getByTestId('pdf-viewer')).toHaveAttribute('data-rendered-page', '2');
      for (const size of SCREEN_SIZES) {
        const where = `${who} ${size.width}x${size.height}`;
        await resize(page, size);
        // Drawn again for the new size: its box has the page's proportions, wholly on screen.
        await expect.poll(async () => {
          const { rect } = await onScreen(shown(page));
          return Math.abs(rect.height / rect.width / a4 - 1);
        }, { message: `${where}: the page's height/width against A4's` }).toBeLessThan(0.03);
        const page2 = await expectUncovered(shown(page), `${where}: presented page`);
        if (who === 'hall TV') {
          // Fitted: the page takes (nearly) the full height the TV has for it.
          expect(page2.rect.height, `${where}: page height`).toBeGreaterThan(size.height * 0.8);
          await expectNoPageScroll(page);
        }
      }
    }

    // The delegate's documents pane beside the video, at 1280x800 (a tablet): most of a page is in view.
    await resize(delegate, { width: 1280, height: 800 });
    await delegate.getByTestId('toggle-documents').click();
    const pane = delegate.getByTestId('room-documents');
    await expect(pane.getByTestId('pdf-viewer')).toHaveAttribute('data-rendered-page', '2');
    const visible = await pane.getByTestId('viewer-canvas').evaluate((canvas) => {
      const page = canvas.getBoundingClientRect();
      const stage = canvas.closest('[data-testid="viewer-stage"]')!.getBoundingClientRect();
      const top = Math.max(page.top, stage.top, 0);
      const bottom = Math.min(page.bottom, stage.bottom, innerHeight);
      const pane = canvas.closest('[data-testid="room-documents"]')!.getBoundingClientRect();
      const middle = document.elementFromPoint(page.left + page.width / 2, (top + bottom) / 2);
      return {
        height: bottom - top,
        width: page.width,
        acrossInPane: page.left >= Math.max(pane.left, stage.left) && page.right <= Math.min(pane.right, stage.right),
        onTop: middle === canvas || canvas.parentElement!.contains(middle),
      };
    });
    expect(visible.height, 'visible height of the page in the documents pane').toBeGreaterThanOrEqual(400);
    expect(visible.width, 'width of the page in the documents pane').toBeGreaterThanOrEqual(500);
    expect(visible.acrossInPane, 'the page\'s whole width inside the pane').toBe(true);
    expect(visible.onTop, 'nothing over the page').toBe(true);
    await expectAllUncovered(pane.locator('[data-testid="documents-list-toggle"], [data-testid="follow-bar"] button'), 'the pane\'s list button and follow bar', 2);
    await expectUncovered(delegate.getByTestId('main-screen'), 'delegate: the main screen beside the documents');
  } finally {
    await chair.getByTestId('main-screen-select').selectOption('floor');
    await presenter.timeout(5000).emitWithAck('presentation:stop', { meetingId: DEMO_MEETING_ID });
    presenter.disconnect();
  }
});
