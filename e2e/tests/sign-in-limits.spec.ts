import { expect, test } from '@playwright/test';

// An account nobody else uses in the e2e run: its lockout must not get in another test's way.
const USERNAME = 'khong-co-tai-khoan-nay';

test('after 5 wrong passwords the sign-in page says the account is blocked and for how long', async ({ page }) => {
  await page.goto('/');
  for (let attempt = 1; attempt <= 5; attempt++) {
    await page.getByTestId('login-username').fill(USERNAME);
    await page.getByTestId('login-password').fill(`doan-${attempt}`);
    const answered = page.waitForResponse('**/api/auth/login');
    await page.getByTestId('login-submit').click();
    expect((await answered).status()).toBe(401);
    await expect(page.getByTestId('login-error')).toHaveText('Tên đăng nhập hoặc mật khẩu không đúng.');
  }
  await page.getByTestId('login-password').fill('doan-6');
  const refused = page.waitForResponse('**/api/auth/login');
  await page.getByTestId('login-submit').click();
  expect((await refused).status()).toBe(429);
  await expect(page.getByTestId('login-error')).toHaveText(
    'Đăng nhập tạm thời bị chặn vì có quá nhiều lần thử không thành công. Vui lòng thử lại sau 1 phút.',
  );
});
