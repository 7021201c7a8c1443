import {
  expect,
  expectReceivingMediaFrom,
  joinMeeting,
  openDiscussion,
  receivedFrom,
  remotePeerId,
  test,
  unmute,
} from '../support/meeting-page.js';

test('two participants see and hear each other; a leaver\'s tile disappears', async ({ signIn }) => {
  const chair = await signIn('chutri');
  const delegate = await signIn('daibieu1');
  await joinMeeting(chair);
  await joinMeeting(delegate);
  // Everyone joins muted; in open discussion both may unmute.
  await openDiscussion(chair);
  await unmute(chair);
  await unmute(delegate);

  // Each tile names the person and their unit level, in Vietnamese by default.
  const delegateTileOnChair = chair.locator('[data-testid="peer-tile"][data-user-id="u-daibieu1"]');
  await expect(delegateTileOnChair).toContainText('Lê Minh Tuấn');
  await expect(delegateTileOnChair).toContainText('Huyện Lạc Sơn');

  const delegatePeer = await remotePeerId(chair, 'u-daibieu1');
  const chairPeer = await remotePeerId(delegate, 'u-chutri');
  await expectReceivingMediaFrom(chair, delegatePeer);
  await expectReceivingMediaFrom(delegate, chairPeer);

  await delegate.getByTestId('leave-button').click();
  await expect(delegateTileOnChair).toHaveCount(0);
  await expect(chair.getByTestId('peer-tile')).toHaveCount(0);
});

test('muting the microphone shows on the other side and stops the audio', async ({ signIn }) => {
  const chair = await signIn('chutri');
  const delegate = await signIn('daibieu2');
  await joinMeeting(chair);
  await joinMeeting(delegate);
  await openDiscussion(chair);
  await unmute(delegate);
  const delegatePeer = await remotePeerId(chair, 'u-daibieu2');
  await expect.poll(async () => (await receivedFrom(chair, delegatePeer, 'audio')).bytesReceived).toBeGreaterThan(0);

  await delegate.getByTestId('toggle-mic').click();
  const tile = chair.locator(`[data-testid="peer-tile"][data-peer-id="${delegatePeer}"]`);
  await expect(tile.getByTestId('mic-muted')).toBeVisible();

  // Once paused at the SFU, no more audio bytes arrive.
  await chair.waitForTimeout(1000);
  const frozen = (await receivedFrom(chair, delegatePeer, 'audio')).bytesReceived;
  await chair.waitForTimeout(1500);
  expect((await receivedFrom(chair, delegatePeer, 'audio')).bytesReceived).toBe(frozen);

  await delegate.getByTestId('toggle-mic').click();
  await expect(tile.getByTestId('mic-muted')).toHaveCount(0);
  await expect.poll(async () => (await receivedFrom(chair, delegatePeer, 'audio')).bytesReceived).toBeGreaterThan(frozen);
});

test('a member cannot open a meeting they are not invited to', async ({ signIn }) => {
  const outsider = await signIn('daibieu2');
  await expect(outsider.locator('[data-testid="meeting-item"][data-meeting-id="demo-chuyen-doi-so"]')).toHaveCount(0);
  const response = await outsider.request.get('/api/meetings/demo-chuyen-doi-so');
  expect(response.status()).toBe(403);
  await outsider.goto('/#/meetings/demo-chuyen-doi-so');
  await expect(outsider.getByTestId('join-button')).toHaveCount(0);
});

test('the interface speaks Vietnamese by default and switches to English', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('login-submit')).toHaveText(/Đăng nhập/);
  await page.getByTestId('language-switch').click();
  await expect(page.getByTestId('login-submit')).toHaveText(/Sign in/i);
  await page.reload();
  await expect(page.getByTestId('login-submit')).toHaveText(/Sign in/i);
});

test('an observer watches and listens without opening a camera or microphone', async ({ signIn }) => {
  const chair = await signIn('chutri');
  const observer = await signIn('quansat');
  await joinMeeting(chair);

  await observer.locator('[data-testid="meeting-item"][data-meeting-id="demo-ubnd-tinh"]').click();
  await expect(observer.getByTestId('prejoin-receive-only')).toBeVisible();
  await expect(observer.locator('#camera-select')).toHaveCount(0);
  await observer.getByTestId('join-button').click();
  await expect(observer.getByTestId('meeting-room')).toHaveAttribute('data-phase', 'joined');
  await expect(observer.getByTestId('toggle-mic')).toHaveCount(0);
  await expect(observer.getByTestId('toggle-camera')).toHaveCount(0);

  // The observer receives the chair's picture, and sends nothing the chair could receive.
  const chairPeer = await remotePeerId(observer, 'u-chutri');
  await expect.poll(async () => (await receivedFrom(observer, chairPeer, 'video')).framesDecoded).toBeGreaterThan(0);
  const observerPeer = await remotePeerId(chair, 'u-quansat');
  const fromObserver = await Promise.all([receivedFrom(chair, observerPeer, 'video'), receivedFrom(chair, observerPeer, 'audio')]);
  expect(fromObserver.map((received) => received.consumers)).toEqual([0, 0]);
});
