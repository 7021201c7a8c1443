import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BENCH_PASSWORD, type BenchMember } from './seed.js';

interface MainScreenLog {
  pictures: { value: string; at: number }[];
  captions: { value: string; at: number }[];
}

/** When a hall TV showed someone: their picture presented, their name in the caption, both. */
export interface MainScreenSeen {
  picture: number;
  caption: number;
  seen: number;
}

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
      const log: MainScreenLog = { pictures: [], captions: [] };
      (window as unknown as { mainScreenLog: MainScreenLog }).mainScreenLog = log;
      // The picture: `data-showing` names whose first frame after a cut-over was presented.
      new MutationObserver((records) => {
        for (const record of records) {
          const userId = (record.target as Element).getAttribute('data-showing');
          if (userId) log.pictures.push({ value: userId, at: Date.now() });
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-showing'] });
      // The caption: the name under the picture, as the hall reads it.
      let lastName = '';
      new MutationObserver(() => {
        const name = document.querySelector('[data-testid="main-screen-name"]')?.textContent?.trim() ?? '';
        if (name === lastName) return;
        lastName = name;
        if (name) log.captions.push({ value: name, at: Date.now() });
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  }

  /**
   * Wall-clock times (ms) after `afterMs` when this hall TV first presented `member`'s picture and
   * first named them in the caption; `seen` is the later of the two (what the hall sees), null if either never came.
   */
  async showedAfter(member: Pick<BenchMember, 'userId' | 'displayName'>, afterMs: number): Promise<MainScreenSeen | null> {
    const log = await this.page!.evaluate(() => (window as unknown as { mainScreenLog: MainScreenLog }).mainScreenLog);
    const picture = log.pictures.find((entry) => entry.value === member.userId && entry.at >= afterMs)?.at;
    // The caption may already name them (a grant to whoever is on screen): then it counts from the grant.
    const captionNow = log.captions.at(-1);
    const caption = log.captions.find((entry) => entry.value === member.displayName && entry.at >= afterMs)?.at ??
      (captionNow?.value === member.displayName ? afterMs : undefined);
    if (picture === undefined || caption === undefined) return null;
    return { picture, caption, seen: Math.max(picture, caption) };
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
