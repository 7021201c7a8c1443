import { expect, joinMeeting, test } from '../support/meeting-page.js';

test('an administrator builds a commune with its endpoint, which shows online once the device signs in', async ({ signIn, browser }) => {
  const admin = await signIn('admin');
  await admin.getByTestId('nav-admin').click();
  await expect(admin.getByTestId('admin-directory')).toBeVisible();

  // A new commune under Huyện Lạc Sơn.
  const district = admin.locator('[data-testid="unit-node"][data-unit-id="huyen-lac-son"]');
  await district.getByTestId('unit-select').first().click();
  await admin.getByTestId('child-unit-name').fill('Xã Vĩnh Đồng');
  await admin.getByTestId('child-unit-add').click();
  const commune = district.locator('[data-testid="unit-node"]', { hasText: 'Xã Vĩnh Đồng' });
  await expect(commune).toHaveAttribute('data-level', 'commune');

  // Its endpoint account.
  await commune.getByTestId('unit-select').click();
  await admin.getByTestId('account-kind-endpoint').check();
  await admin.getByTestId('account-display-name').fill('Điểm cầu UBND xã Vĩnh Đồng');
  await admin.getByTestId('account-username').fill('diemcau-vinhdong');
  await admin.getByTestId('account-password').fill('vinh-dong-2026');
  await admin.getByTestId('account-create').click();
  const endpoint = commune.getByTestId('tree-endpoint').filter({ hasText: 'Điểm cầu UBND xã Vĩnh Đồng' });
  await expect(endpoint).toHaveAttribute('data-online', 'false');

  // Deleting a unit that still has an account is not offered (and the server refuses it).
  await expect(admin.getByTestId('unit-delete')).toHaveCount(0);
  const unitId = await commune.getAttribute('data-unit-id');
  expect((await admin.request.delete(`/api/admin/units/${unitId}`)).status()).toBe(409);

  // The hall's TV signs in with the new account: the tree shows it online.
  const deviceContext = await browser.newContext();
  try {
    const device = await deviceContext.newPage();
    await device.goto('/');
    await device.getByTestId('login-username').fill('diemcau-vinhdong');
    await device.getByTestId('login-password').fill('vinh-dong-2026');
    await device.getByTestId('login-submit').click();
    await expect(device.getByTestId('meetings-empty')).toBeVisible();
    await admin.reload();
    await expect(admin.locator('[data-testid="tree-endpoint"]', { hasText: 'Điểm cầu UBND xã Vĩnh Đồng' })).toHaveAttribute('data-online', 'true');
  } finally {
    await deviceContext.close();
  }
});

test('administration is refused to everyone else, on the server', async ({ signIn }) => {
  const chair = await signIn('chutri');
  await expect(chair.getByTestId('nav-admin')).toHaveCount(0);
  const response = await chair.request.get('/api/admin/directory');
  expect(response.status()).toBe(403);
  await expect(chair.getByTestId('nav-admin-media')).toHaveCount(0);
  expect((await chair.request.get('/api/admin/media-servers')).status()).toBe(403);
});

test('an administrator sees the media server running and the people it carries', async ({ signIn }) => {
  const admin = await signIn('admin');
  await admin.getByTestId('nav-admin-media').click();
  const server = admin.getByTestId('media-server');
  await expect(server).toHaveCount(1);
  await expect(server).toHaveAttribute('data-connected', 'true');
  await expect(server.getByTestId('media-server-state')).toHaveText('Đang hoạt động');
  await expect(server).toContainText('Phục vụ: Mọi đơn vị');
  await expect(admin.getByTestId('media-summary')).toHaveText('1/1 máy chủ đang hoạt động');

  // A delegate joins the meeting's media: the server's count follows (the page refreshes itself).
  const delegate = await signIn('daibieu1');
  await joinMeeting(delegate);
  await expect(server.getByTestId('media-server-peers')).toHaveText(/^[1-9]\d* người đang kết nối$/, { timeout: 15_000 });
});
