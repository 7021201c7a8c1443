import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from '@ehop/testkit';

export default defineConfig({
  testDir: './tests',
  globalSetup: './support/global-setup.ts',
  // The services are shared by all tests; meetings are per-test where it matters. Two cores: one worker.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  // Generous: a media test on a busy 2-core machine can take a while; these are ceilings, not goals.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  use: {
    baseURL: process.env.EHOP_BASE_URL,
    locale: 'vi-VN',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: chromiumExecutable, args: chromiumArgs },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
