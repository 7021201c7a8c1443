import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BENCH_PASSWORD, type BenchMember } from './seed.js';

interface InboundStat {
  kind: 'audio' | 'video';
  packetsLost: number;
  packetsReceived: number;
}

/**
 * A hall TV: the real web app in Chromium, signed in as an endpoint (hall mode: the main screen
 * full size). It notes when its main screen starts showing someone (first frame presented).
 */
export class BrowserEndpoint {
  private context: BrowserContext | null = null;
  page: Page | null = null;

  constructor(
    private readonly browser: Browser,
    private readonly baseUrl: string,
    readonly member: BenchMember,
    private readonly meetingId: string,
  ) {}

  async join(): Promise<void> {
    this.context = await this.browser.newContext({ baseURL: this.baseUrl, locale: 'vi-VN', viewport: { width: 960, height: 600 } });
    const page = await this.context.newPage();
    this.page = page;
    await page.goto('/');
    await page.getByTestId('login-username').fill(this.member.username);
    await page.getByTestId('login-password').fill(BENCH_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.locator(`[data-testid="meeting-item"][data-meeting-id="${this.meetingId}"]`).click({ timeout: 60_000 });
    await page.getByTestId('join-button').click({ timeout: 60_000 });
    await page.getByTestId('meeting-room').and(page.locator('[data-phase="joined"]')).waitFor({ timeout: 240_000 });
    await page.evaluate(() => {
      const log: { userId: string; at: number }[] = [];
      (window as unknown as { mainScreenLog: typeof log }).mainScreenLog = log;
      new MutationObserver((records) => {
        for (const record of records) {
          const userId = (record.target as Element).getAttribute('data-showing');
          if (userId) log.push({ userId, at: Date.now() });
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-showing'] });
    });
  }

  /** Wall-clock time (ms) when the main screen first showed `userId` after `afterMs`, or null. */
  async showedAfter(userId: string, afterMs: number): Promise<number | null> {
    const log = await this.page!.evaluate(() => (window as unknown as { mainScreenLog: { userId: string; at: number }[] }).mainScreenLog);
    return log.find((entry) => entry.userId === userId && entry.at >= afterMs)?.at ?? null;
  }

  /** Asks to speak from the page, exactly as its floor button would. */
  async requestFloor(): Promise<void> {
    await this.page!.evaluate(() =>
      (window as unknown as { ehopDebug: { emitRaw(event: string, payload: unknown): Promise<unknown> } }).ehopDebug.emitRaw('floor:request', {}),
    );
  }

  /** Packets received and lost on every inbound stream, as Chromium counts them. */
  async inbound(): Promise<{ received: number; lost: number }> {
    const stats = await this.page!.evaluate(() =>
      (window as unknown as { ehopDebug: { inboundStats(): Promise<InboundStat[]> } }).ehopDebug.inboundStats(),
    );
    return stats.reduce((sum, stat) => ({ received: sum.received + stat.packetsReceived, lost: sum.lost + stat.packetsLost }), { received: 0, lost: 0 });
  }

  async close(): Promise<void> {
    await this.context?.close().catch(() => undefined);
  }
}
