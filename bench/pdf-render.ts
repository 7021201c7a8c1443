/**
 * Time to show the first page and to turn a page of a 100-page PDF in Chromium, through the
 * real web app (built client served by signaling, pdf.js viewer). Baseline in the same run: the
 * same first-page measure for a 1-page PDF, and turning to a page that was not rendered ahead
 * (a jump) against the usual "next page" (rendered ahead while the reader reads).
 *
 *   npm run build && npx tsx bench/pdf-render.ts [--runs 5] [--turns 20]
 *
 * Times come from the page itself (window.ehopPdfTimings, performance.now()):
 *   first page = viewer starts loading the document -> page 1 drawn on the canvas;
 *   page turn  = the viewer is asked for the page -> the page drawn on the canvas.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { launchChromium } from './lib/chromium.js';
import { login, startBenchStack, uploadPdf } from './lib/documents-stack.js';
import { reportPdf } from './lib/pdf-fixtures.js';
import { formatRow, summarize, TABLE_HEADER } from './lib/latency-table.js';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' }, turns: { type: 'string', default: '20' } } });
const RUNS = Number(args.runs);
const TURNS = Number(args.turns);
const MEETING_ID = 'demo-ubnd-tinh';
const PASSWORD = 'ehop-demo-2026';

interface PageTiming {
  page: number;
  requestedAt: number;
  drawnAt: number;
}

async function main(): Promise<void> {
  console.log(`pdf-render bench: Chromium ${RUNS} runs of first page, ${TURNS} page turns, viewport 1280x800; load average ${loadLine()}`);
  const stack = await startBenchStack();
  const browser = await launchChromium();
  try {
    const url = stack.nodes[0]!.url;
    const cookie = await login(url, 'chutri', PASSWORD);
    const long = await uploadPdf(url, cookie, MEETING_ID, await reportPdf(100), 'bao-cao-100-trang.pdf');
    const short = await uploadPdf(url, cookie, MEETING_ID, await reportPdf(1), 'bao-cao-1-trang.pdf');

    const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url }]);
    const page = await context.newPage();

    const firstLong: number[] = [];
    const firstShort: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      firstShort.push(await firstPageTime(page, short.id));
      firstLong.push(await firstPageTime(page, long.id));
    }

    // Page turns in the 100-page document: "next" (rendered ahead) and jumps (not rendered ahead).
    await firstPageTime(page, long.id);
    const next: number[] = [];
    for (let turn = 0; turn < TURNS; turn++) {
      await page.waitForTimeout(400); // a reader looks at the page before turning it; render-ahead happens meanwhile
      next.push(await turnTime(page, () => page.getByTestId('viewer-next').click(), turn + 2));
    }
    const jumps: number[] = [];
    for (let turn = 0; turn < Math.min(TURNS, 10); turn++) {
      const target = 40 + turn * 6;
      await page.waitForTimeout(400);
      jumps.push(await turnTime(page, async () => {
        await page.getByTestId('viewer-page-input').fill(String(target));
        await page.getByTestId('viewer-page-input').press('Enter');
      }, target));
    }

    console.log(`\n${TABLE_HEADER}`);
    console.log(formatRow('baseline: first page of a 1-page PDF', summarize(firstShort)));
    console.log(formatRow('first page of a 100-page PDF', summarize(firstLong)));
    console.log(formatRow('baseline: jump to a page not rendered ahead', summarize(jumps)));
    console.log(formatRow('next page of the 100-page PDF (rendered ahead)', summarize(next)));
    console.log(`\nload average at the end: ${loadLine()} (2 cores; the machine may be shared)`);
  } finally {
    await browser.close();
    await stack.stop();
  }
}

/** Opens the document page afresh and opens the document; load start -> page 1 on the canvas. */
async function firstPageTime(page: Page, documentId: string): Promise<number> {
  await page.goto(`/#/meetings/${MEETING_ID}/documents`);
  await page.reload(); // a cold viewer each time (pdf.js worker and document not in memory)
  await page.locator(`[data-testid="document-item"][data-document-id="${documentId}"]`).getByTestId('document-open').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="pdf-viewer"]')?.getAttribute('data-rendered-page') === '1');
  return page.evaluate(() => {
    const timings = (window as unknown as { ehopPdfTimings: PageTiming[] }).ehopPdfTimings;
    const drawn = timings.find((timing) => timing.page === 1)!.drawnAt;
    return drawn - (window as unknown as { ehopPdfLoadStartedAt: number }).ehopPdfLoadStartedAt;
  });
}

async function turnTime(page: Page, action: () => Promise<void>, target: number): Promise<number> {
  await action();
  await page.waitForFunction((wanted) => document.querySelector('[data-testid="pdf-viewer"]')?.getAttribute('data-rendered-page') === String(wanted), target);
  return page.evaluate((wanted) => {
    const timings = (window as unknown as { ehopPdfTimings: PageTiming[] }).ehopPdfTimings;
    const timing = timings.findLast((entry) => entry.page === wanted)!;
    return timing.drawnAt - timing.requestedAt;
  }, target);
}

function loadLine(): string {
  return loadavg().map((value) => value.toFixed(2)).join(' ');
}

await main();
