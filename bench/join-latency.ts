/**
 * Issue 2 numbers: time from clicking "Tham gia" to the first remote video frame (p50/p95 over
 * 20 joins) in headless Chromium, and the memory of the sfu-server (with its workers) and
 * signaling processes, idle and with 10 participants.
 *
 * Baseline, measured in the same run: two RTCPeerConnections in one page (P2P loopback, no
 * server): the browser's own floor for "negotiate and show the first frame".
 *
 * Where the time goes: each join's steps, the browser's (consumer announced, created, resumed,
 * receive transport connected, first frame of the thumbnail and of the main screen) next to the
 * SFU's (consumer created, resumed, its first RTP packet and key frame out, key frame requests
 * to the publisher's camera and key frames from it), from the SFU's SFU_MEDIA_TRACE log.
 *
 *   npx tsx bench/join-latency.ts [--joins 20] [--participants 10]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './lib/chromium.js';
import { rssMiB, treeRssMiB } from './lib/process-memory.js';
import { percentile, round } from './lib/stats.js';
import { joinBandwidth, joinTimeline, parseTrace, timelineTable, type PageJoin } from './lib/join-timeline.js';
import { startSystem, type RunningSystem } from './lib/system.js';
// The page's window.ehopDebug hook (type only: declares it on Window).
import type {} from '../client/src/lib/media/debug-hook.js';

const DEMO_PASSWORD = 'ehop-demo-2026';
const MEETING_ID = 'demo-ubnd-tinh';
// Everyone who publishes (the demo's observer, admin, only receives).
const USERS = ['chutri', 'daibieu1', 'daibieu2', 'thuky', 'diemcau-tinh', 'diemcau-huyen', 'diemcau-xa'];

const { values: args } = parseArgs({
  options: { joins: { type: 'string', default: '20' }, participants: { type: 'string', default: '10' } },
});

async function signedInPage(browser: Browser, baseUrl: string, username: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('meeting-item').first().waitFor();
  return page;
}

async function openPreJoin(page: Page): Promise<void> {
  await page.locator(`[data-testid="meeting-item"][data-meeting-id="${MEETING_ID}"]`).click();
  await page.getByTestId('join-button').waitFor();
  // The camera preview is open before the user clicks, as a person would see it.
  await page.locator('video').first().waitFor();
  await page.waitForTimeout(300);
}

async function join(page: Page): Promise<void> {
  await page.getByTestId('join-button').click();
  await page.locator('[data-testid="meeting-room"][data-phase="joined"]').waitFor({ timeout: 120_000 });
}

interface JoinTimes {
  /** `meeting:join` acknowledged. */
  ack: number;
  /** First remote video consumer created (negotiation done, media not yet shown). */
  track: number;
  /** First remote frame presented (a thumbnail): what the user waits for. */
  frame: number;
  /** The main screen's first frame of the feed (undefined: it showed none within the wait). */
  main: number | undefined;
  /** Every step, the browser's and the SFU's, in ms after the click. */
  timeline: Record<string, number>;
  /** The SFU's send estimate towards the joiner over the join. */
  bandwidth: ReturnType<typeof joinBandwidth>;
}

/** After the first thumbnail frame, how long the main screen may still take to show one. */
const MAIN_SCREEN_WAIT_MS = 10_000;

/** Click join, wait for the first remote frame; milliseconds from the click to each step. */
async function measureOneJoin(page: Page, system: RunningSystem): Promise<JoinTimes> {
  await openPreJoin(page);
  const logFrom = system.sfuOutput().length;
  await join(page);
  await page.waitForFunction(() => window.ehopDebug?.firstRemoteVideoFrameAt != null, null, { timeout: 30_000 });
  await page
    .waitForFunction(() => window.ehopDebug?.joinSteps['first frame: main screen'] != null, null, { timeout: MAIN_SCREEN_WAIT_MS })
    .catch(() => undefined);
  // The SFU's trace lines come through a pipe: give the last ones time to arrive.
  await page.waitForTimeout(300);
  const { times, pageJoin } = await page.evaluate(() => {
    const debug = window.ehopDebug;
    const main = debug.joinSteps['first frame: main screen'];
    return {
      times: {
        ack: debug.joinAckAt! - debug.joinedAt!,
        track: debug.firstRemoteVideoTrackAt! - debug.joinedAt!,
        frame: debug.firstRemoteVideoFrameAt! - debug.joinedAt!,
        main: main === undefined ? undefined : main - debug.joinedAt!,
      },
      pageJoin: { timeOrigin: performance.timeOrigin, joinedAt: debug.joinedAt!, steps: { ...debug.joinSteps } as Record<string, number>, videoConsumers: [...debug.joinVideoConsumers] },
    };
  });
  const trace = parseTrace(system.sfuOutput().slice(logFrom));
  const timeline = joinTimeline(pageJoin as PageJoin, trace);
  const bandwidth = joinBandwidth(pageJoin as PageJoin, trace);
  await page.getByTestId('leave-button').click();
  await page.getByTestId('meeting-item').first().waitFor();
  return { ...times, timeline, bandwidth };
}

/** P2P loopback in one page, camera already open: negotiate and show the first frame. */
async function measureP2pBaseline(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    const start = performance.now();
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
    const firstFrame = new Promise<number>((resolve) => {
      b.ontrack = (e) => {
        if (e.track.kind !== 'video') return;
        const video = document.createElement('video');
        video.muted = true;
        video.autoplay = true;
        video.srcObject = new MediaStream([e.track]);
        document.body.append(video);
        video.requestVideoFrameCallback((now) => resolve(now));
      };
    });
    stream.getTracks().forEach((track) => a.addTrack(track, stream));
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription!);
    const ms = (await firstFrame) - start;
    a.close();
    b.close();
    stream.getTracks().forEach((track) => track.stop());
    return ms;
  });
}

function memory(system: RunningSystem) {
  return { sfuMiB: round(treeRssMiB(system.sfuPid)), signalingMiB: round(rssMiB(system.signalingPid)) };
}

function summary(label: string, samples: number[]) {
  return { label, n: samples.length, p50: round(percentile(samples, 50)), p95: round(percentile(samples, 95)), max: round(Math.max(...samples)) };
}

async function main(): Promise<void> {
  const joins = Number(args.joins);
  const participants = Number(args.participants);
  // Latency on a shared 2-core machine depends on what else runs: say so next to the numbers.
  console.log(`load average at start (1/5/15 min): ${loadavg().map((l) => round(l, 2)).join(' / ')}`);
  const system = await startSystem({ sfuEnv: { SFU_MEDIA_TRACE: '1' } });
  const browser = await launchChromium();
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const idle = memory(system);

    const publisher = await signedInPage(browser, system.baseUrl, 'chutri');
    await openPreJoin(publisher);
    await join(publisher);

    const joiner = await signedInPage(browser, system.baseUrl, 'daibieu1');
    const joinSamples: JoinTimes[] = [];
    for (let i = 0; i < joins; i++) joinSamples.push(await measureOneJoin(joiner, system));

    const baselinePage = await signedInPage(browser, system.baseUrl, 'daibieu2');
    const baselineSamples: number[] = [];
    for (let i = 0; i < joins; i++) baselineSamples.push(await measureP2pBaseline(baselinePage));
    await baselinePage.context().close();

    const sfuJoin = summary('click join -> first remote frame (eHọp, via SFU)', joinSamples.map((t) => t.frame));
    const p2p = summary('baseline: P2P loopback in one page, no server', baselineSamples);
    console.log('\n== Join latency (ms) ==');
    console.table([
      summary('  step: click -> meeting:join acknowledged', joinSamples.map((t) => t.ack)),
      summary('  step: click -> first remote video consumer', joinSamples.map((t) => t.track)),
      sfuJoin,
      summary('click join -> main screen first frame (feed)', joinSamples.flatMap((t) => (t.main === undefined ? [] : [t.main]))),
      p2p,
    ]);
    console.log('\n== Where the time goes: each step, ms after the click (page: the browser; sfu: the SFU\'s trace) ==');
    console.table(timelineTable(joinSamples.map((t) => t.timeline)));
    const slowest = joinSamples.reduce((a, b) => (b.frame > a.frame ? b : a));
    console.log(`slowest join (${round(slowest.frame)} ms), step by step:`);
    console.table(Object.entries(slowest.timeline).sort((a, b) => a[1] - b[1]).map(([step, ms]) => ({ step, ms })));
    console.log('its receive transport: what the SFU estimated it may send (kb/s) and what the consumers wanted, ms after the click:');
    console.table(slowest.bandwidth.filter((sample) => sample.ms <= slowest.frame + 1_000));
    console.log(`load average after the joins (1/5/15 min): ${loadavg().map((l) => round(l, 2)).join(' / ')}`);
    console.log(`eHọp p95 / baseline p95 = ${round(sfuJoin.p95 / p2p.p95, 2)}x; goal p95 < 1500 ms: ${sfuJoin.p95 < 1500 ? 'met' : 'NOT met'}`);

    // Memory with N participants: the publisher and the joiner, plus N-2 more.
    await openPreJoin(joiner);
    await join(joiner);
    for (let i = 2; i < participants; i++) {
      const page = await signedInPage(browser, system.baseUrl, USERS[i % USERS.length]!);
      await openPreJoin(page);
      await join(page);
    }
    await new Promise((r) => setTimeout(r, 10_000));
    const loaded = memory(system);

    console.log('\n== Memory (RSS, MiB; sfu-server includes its mediasoup workers) ==');
    console.table([
      { state: 'baseline: idle, no participants', ...idle },
      { state: `${participants} participants joined`, ...loaded },
    ]);
    console.log(JSON.stringify({ bench: 'join-latency', loadavg: loadavg(), join: sfuJoin, p2p, memory: { idle, loaded, participants } }));
  } finally {
    await browser.close();
    await system.stop();
  }
}

await main();
