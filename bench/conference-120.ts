/**
 * One meeting with 120 endpoints on one SFU: what it costs and how fast the main screen follows
 * the floor. Run from the repository root (after `npm run build`):
 *
 *   source scripts/lib/common.sh && npx tsx bench/conference-120.ts [--endpoints 120] [--baseline 20]
 *     [--browsers 3] [--grants 6] [--window 10] [--thumbs-share 0.25] [--page 6] [--deadline 900] [--servers-nice=0]
 *
 * Endpoints are synthetic (a real signaling socket each; a worker thread replays ffmpeg's packets
 * of a VP8 + Opus clip into plain RTP transports: the camera simulcasts two layers, 160x90 and
 * 640x360, and sends only those the SFU's `media:sendLayers` asks for, answering key frame requests
 * per layer and muting the microphone as a browser does; a UDP socket receives) plus a few real
 * Chromium hall TVs. The SFU, signaling and Redis run in sessions of their own, as services would.
 * Everything runs on 127.0.0.1 and stops by itself (a hard deadline ends the run). Phases, in one
 * run:
 *   1. baseline: the old all-to-all forwarding rule at a smaller size (--baseline endpoints);
 *   2. the conference rule at that same size;
 *   3. the conference rule with --endpoints endpoints and --browsers Chromium hall TVs.
 *
 * The main screen is one feed per receiver: a single consumer of the room's main-screen feed, whose
 * picture the SFU cuts over (at the new source's key frame) to whoever the main screen shows.
 * "Grant → main screen" at a synthetic receiver is the latest of: the conference state naming the
 * speaker as main, the SFU's `media:mainFeed` notice naming the speaker's peer, and the first VP8
 * key frame on the feed sent from that notice's `since` on; at a Chromium TV, what its viewers
 * see: the later of the new picture's first frame presented (the page's `data-showing`) and the
 * caption naming the new speaker. The speaker itself (its feed paused) is not a receiver.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sfuHealth, startRedis, startSfuServer, startSignaling, type RedisHandle } from '@ehop/testkit';
import { BrowserEndpoint } from './lib/browser-endpoint.js';
import { launchChromium } from './lib/chromium.js';
import { ensureCameraFile, ensureClip, LOW_CLIP } from './lib/clip.js';
import { CpuMeter } from './lib/process-cpu.js';
import { descendantPids } from './lib/process-tree.js';
import { setSessionNice } from './lib/session-priority.js';
import { captureClip } from './lib/rtp-replayer.js';
import { lossBetween } from './lib/rtp-sink.js';
import { login, seedBenchMeeting } from './lib/seed.js';
import { SfuLink } from './lib/sfu-link.js';
import { mapLimit, percentile, round, sleep } from './lib/stats.js';
import { ssrcOf, SyntheticEndpoint } from './lib/synthetic-endpoint.js';
import { mainScreenCarries, summary, waitFor, withTimeout, type SwitchSummary } from './lib/main-screen.js';
import { ThreadedReplayer } from './lib/threaded-replayer.js';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

const { values: args } = parseArgs({
  options: {
    endpoints: { type: 'string', default: '120' },
    baseline: { type: 'string', default: '20' },
    browsers: { type: 'string', default: '3' },
    grants: { type: 'string', default: '6' },
    window: { type: 'string', default: '10' },
    /** Seconds between the speaker's request and the chair's grant (the chair reads the queue first). */
    'ask-lead': { type: 'string', default: '1.5' },
    'thumbs-share': { type: 'string', default: '0.25' },
    page: { type: 'string', default: '6' },
    deadline: { type: 'string', default: '900' },
    'skip-baseline': { type: 'boolean', default: false },
    /**
     * The group nice value of the SFU's, signaling's and Redis's sessions (0: as started). -5 gives
     * the servers priority over the bench and the browsers on the shared cores, as a deployment
     * gives its media server priority on its host (its endpoints are elsewhere).
     */
    'servers-nice': { type: 'string', default: '0' },
    /**
     * What the Chromium endpoints' fake cameras capture: `clip`, the synthetic endpoints' picture
     * (640x360 at 15 fps); `builtin`, Chromium's own pattern at 720p and 30 fps.
     */
    'browser-camera': { type: 'string', default: 'clip' },
    /** `replay`: one process replays ffmpeg's packets for all endpoints; `ffmpeg`: one ffmpeg per endpoint. */
    senders: { type: 'string', default: 'replay' },
  },
});

interface Phase {
  key: string;
  label: string;
  forwarding: 'conference' | 'all-to-all';
  endpoints: number;
  browsers: number;
  grants: number;
}


interface PhaseResult {
  phase: Phase;
  loginSeconds: number;
  joinAllSeconds: number;
  joinedEndpoints: number;
  joinLatencyMs: { p50: number; p95: number; max: number };
  consumers: number;
  consumersPerPeer: number;
  maxConsumersPerEndpoint: number;
  workerCpuPercent: number;
  sfuNodeCpuPercent: number;
  signalingCpuPercent: number;
  ffmpegCpuPercent: number;
  benchCpuPercent: number;
  browsersCpuPercent: number;
  packetsForwardedPerSecond: number;
  packetsReceivedBySinksPerSecond: number;
  syntheticLossPercent: number;
  browserLossPercent: number | null;
  hearingSpeaker: string;
  /** At the Chromium TVs: grant → the main screen shows the speaker (picture presented and name in the caption, the later of the two). */
  switchMs: Record<'syntheticSpeaker' | 'chromiumSpeaker', Record<'atSynthetic' | 'atChromium', SwitchSummary>>;
  /** At the Chromium TVs, apart: grant → the new picture's first frame, grant → the caption names the speaker. */
  hallTvMs: Record<'picture' | 'caption', SwitchSummary>;
  /** The bench's own event-loop delay during the grants: the error on the synthetic receivers' times. */
  benchLagMs: { p50: number; p99: number; max: number };
}

const endpointsCount = Number(args.endpoints);
const baselineCount = Number(args.baseline);
const windowSeconds = Number(args.window);
const thumbsShare = Number(args['thumbs-share']);
const pageSize = Number(args.page);
const phases: Phase[] = [
  ...(args['skip-baseline']
    ? []
    : [
        { key: 'a2a', label: `baseline: old all-to-all rule, ${baselineCount} endpoints`, forwarding: 'all-to-all', endpoints: baselineCount, browsers: 0, grants: 3 } as const,
        { key: 'conf-small', label: `conference rule, ${baselineCount} endpoints`, forwarding: 'conference', endpoints: baselineCount, browsers: 0, grants: 3 } as const,
      ]),
  { key: 'conf', label: `conference rule, ${endpointsCount} endpoints + ${args.browsers} Chromium`, forwarding: 'conference', endpoints: endpointsCount, browsers: Number(args.browsers), grants: Number(args.grants) },
];

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];
async function cleanup(): Promise<void> {
  await runCleanups(cleanups);
}

/** Last in, first out; one that fails (even by throwing at once) does not keep the others from running. */
async function runCleanups(list: Cleanup[]): Promise<void> {
  for (const fn of list.splice(0).reverse()) await Promise.resolve().then(fn).catch(() => undefined);
}

const deadline = setTimeout(() => {
  console.error(`\n[bench] deadline of ${args.deadline} s reached: stopping`);
  void cleanup().finally(() => process.exit(2));
}, Number(args.deadline) * 1000);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void cleanup().finally(() => process.exit(130)));

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}


async function runPhase(phase: Phase, redis: RedisHandle, clip: string, replayer: ThreadedReplayer | undefined): Promise<PhaseResult> {
  log(`phase: ${phase.label}`);
  const phaseCleanups: Cleanup[] = [];
  cleanups.push(() => runCleanups(phaseCleanups));
  const sfu = await startSfuServer({
    ownSession: true,
    env: {
      SFU_ENABLE_PLAIN_RTP: '1',
      SFU_FORWARDING: phase.forwarding,
      SFU_WORKERS: '1',
      LOG_LEVEL: process.env['BENCH_SFU_LOG_LEVEL'] ?? 'warn',
      RTC_MIN_PORT: '20000',
      RTC_MAX_PORT: '21999',
      // All-to-all gives every peer 2 consumers per other peer: more than the SFU's default cap beyond 50.
      ...(phase.forwarding === 'all-to-all' ? { SFU_MAX_CONSUMERS_PER_PEER: String(Math.max(100, 2 * (phase.endpoints + phase.browsers))) } : {}),
    },
  });
  phaseCleanups.push(() => sfu.stop());
  // For a closer look at the SFU (e.g. BENCH_SFU_LOG_LEVEL=debug): its log, one file per phase.
  const sfuLogFile = process.env['BENCH_SFU_LOG_DIR'];
  if (sfuLogFile) phaseCleanups.push(() => writeFileSync(`${sfuLogFile}/sfu-${phase.key}.log`, sfu.output()));
  const signaling = await startSignaling({
    ownSession: true,
    redisUrl: redis.url,
    sfuUrl: sfu.url,
    sfuSecret: sfu.secret,
    // A busy shared machine answers slowly; the bench measures it instead of failing on it.
    env: { CLIENT_DIST: `${repoRoot}client/dist`, LOG_LEVEL: 'warn', SFU_REQUEST_TIMEOUT_MS: '30000' },
  });
  phaseCleanups.push(() => signaling.stop());
  prioritizeServers([sfu.process.pid!, signaling.process.pid!]);
  const health = await sfuHealth(sfu);
  const workerPid = health.workers[0]!.pid;
  const sfuLink = await SfuLink.connect(sfu.url, sfu.secret);
  phaseCleanups.push(() => sfuLink.close());

  const meetingId = `bench-${phase.key}`;
  const meeting = await seedBenchMeeting(redis.url, meetingId, phase.endpoints, phase.browsers);

  const loginStart = performance.now();
  const cookies = await mapLimit(meeting.synthetic, 4, (member) => login(signaling.url, member.username));
  const loginSeconds = (performance.now() - loginStart) / 1000;
  log(`  ${cookies.length} logins in ${round(loginSeconds)} s`);

  const endpoints = meeting.synthetic.map(
    (member, index) =>
      new SyntheticEndpoint({
        index,
        userId: member.userId,
        cookie: cookies[index]!,
        signalingUrl: signaling.url,
        meetingId,
        sfu: sfuLink,
        clip,
        ...(replayer ? { replayer } : {}),
        // The old rule's baseline keeps the cameras of every earlier run: the 640x360 layer alone,
        // what all-to-all sends everyone (see bench/README.md on simulcast in this phase).
        simulcast: phase.forwarding === 'conference',
      }),
  );
  phaseCleanups.push(() => endpoints.forEach((endpoint) => endpoint.close()));
  const [chair, ...others] = endpoints as [SyntheticEndpoint, ...SyntheticEndpoint[]];

  let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
  const tvs: BrowserEndpoint[] = [];
  if (phase.browsers > 0) {
    const cameraFile = args['browser-camera'] === 'clip' ? await ensureCameraFile(`${repoRoot}bench/.cache`) : undefined;
    browser = await launchChromium({ ...(cameraFile ? { cameraFile } : {}) });
    phaseCleanups.push(() => browser?.close());
    for (const member of meeting.browsers) tvs.push(new BrowserEndpoint(browser, signaling.url, member, meetingId));
    for (const tv of tvs) await tv.join();
    log(`  ${tvs.length} Chromium hall TVs joined (before the synthetic endpoints, while the machine is quiet)`);
  }

  // Join: the chair first (the main screen shows the chair until someone has the floor), then everyone.
  await chair.join();
  // Its sender is running before anyone else joins, so each join is measured on its own.
  await waitFor(async () => ((await sfuLink.request('room:traffic', { roomId: meetingId })).packetsReceived > 0 ? true : null), 30_000);
  const joinStart = performance.now();
  await mapLimit(others, 6, (endpoint) => endpoint.join());
  const receiving = await Promise.all(others.map((endpoint) => endpoint.waitForMainScreenShowing(chair.peerId, 90_000)));
  others.forEach((endpoint, index) => (endpoint.timings.receiving = receiving[index] ?? Number.NaN));
  const joined = receiving.filter((at) => at !== null) as number[];
  const joinAllSeconds = (Math.max(...joined) - joinStart) / 1000;
  const joinLatencies = others.filter((e) => Number.isFinite(e.timings.receiving)).map((e) => e.timings.receiving - e.timings.start);
  log(`  ${joined.length + 1}/${endpoints.length} endpoints joined; all ${others.length} others showing the chair ${round(joinAllSeconds)} s after the first began`);

  // A share of endpoints are operator consoles showing a page of thumbnails; the rest are hall TVs (main screen only).
  const consoles = others.filter((_, index) => index % Math.max(1, Math.round(1 / thumbsShare)) === 0);
  await Promise.all(
    consoles.map((endpoint) => {
      const start = endpoints.indexOf(endpoint);
      const page = Array.from({ length: pageSize }, (_, k) => endpoints[(start + 1 + k) % endpoints.length]!.peerId);
      return endpoint.setView(page.filter((peerId) => peerId !== endpoint.peerId));
    }),
  );

  // One floor holder: its microphone opens on the SFU and its audio reaches everyone.
  const holder = others[0]!;
  await chair.request('floor:grant', { userId: holder.userId, speakingTimeSec: null });
  await sleep(3_000);
  const stats = await sfuLink.request('room:stats', { roomId: meetingId });
  const maxConsumersPerEndpoint = Math.max(...endpoints.map((endpoint) => endpoint.consumerCount()));

  // Steady state: CPU, packets, loss over the window.
  log(`  measuring ${windowSeconds} s of steady state`);
  const ffmpegPids = () => endpoints.map((endpoint) => endpoint.ffmpeg?.pid ?? 0).filter((pid) => pid > 0);
  const meters = {
    worker: new CpuMeter(() => [workerPid]),
    sfuNode: new CpuMeter(() => [sfu.process.pid!]),
    signaling: new CpuMeter(() => [signaling.process.pid!]),
    ffmpeg: new CpuMeter(ffmpegPids),
    bench: new CpuMeter(() => [process.pid]),
    browsers: new CpuMeter(() => descendantPids(process.pid, 'chromium')),
  };
  Object.values(meters).forEach((meter) => meter.start());
  // ~1,500 stats requests to a worker that is busy forwarding: on a saturated machine they may not
  // come back in time, and the packets counted at the receivers stand in for them.
  // At 120 endpoints those ~1,500 requests clog the worker's channel for a minute and more (the
  // floor's own requests then wait behind them), so the big phase counts at the receivers only.
  const traffic = () =>
    phase.endpoints <= 40 ? withTimeout(sfuLink.request('room:traffic', { roomId: meetingId }), 20_000).catch(() => null) : Promise.resolve(null);
  const trafficBefore = await traffic();
  const sinkPacketsBefore = endpoints.reduce((sum, endpoint) => sum + endpoint.sink.packets, 0);
  const snapshotsBefore = endpoints.map((endpoint) => endpoint.sink.snapshot());
  const holderAudioBefore = others.map((endpoint) => audioPacketsFrom(endpoint, holder));
  const browserBefore = await Promise.all(tvs.map((tv) => tv.inbound().catch(() => ({ received: 0, lost: 0 }))));
  const windowStart = performance.now();
  await sleep(windowSeconds * 1000);
  const elapsed = (performance.now() - windowStart) / 1000;
  const trafficAfter = await traffic();
  const cpu = Object.fromEntries(Object.entries(meters).map(([name, meter]) => [name, round(meter.stop())])) as Record<keyof typeof meters, number>;
  const sinkPacketsAfter = endpoints.reduce((sum, endpoint) => sum + endpoint.sink.packets, 0);
  const loss = endpoints
    .map((endpoint, index) => lossBetween(snapshotsBefore[index]!, endpoint.sink.snapshot()))
    .reduce((sum, window) => ({ expected: sum.expected + window.expected, received: sum.received + window.received }), { expected: 0, received: 0 });
  const hearing = others.filter((endpoint, index) => endpoint !== holder && audioPacketsFrom(endpoint, holder) > holderAudioBefore[index]!).length;
  const browserAfter = await Promise.all(tvs.map((tv) => tv.inbound().catch(() => ({ received: 0, lost: 0 }))));
  const browserLoss = tvs.length
    ? browserAfter.reduce(
        (sum, after, index) => ({ received: sum.received + after.received - browserBefore[index]!.received, lost: sum.lost + after.lost - browserBefore[index]!.lost }),
        { received: 0, lost: 0 },
      )
    : null;

  // Grants: the speaker asks (so it heads the queue, as when the chair follows it), the chair gives
  // the floor; measured from the chair's request until each main screen carries the new speaker.
  const switchTimes = { synthetic: { synthetic: [] as number[], browsers: [] as number[] }, chromium: { synthetic: [] as number[], browsers: [] as number[] } };
  const missed = { synthetic: { synthetic: 0, browsers: 0 }, chromium: { synthetic: 0, browsers: 0 } };
  // At the hall TVs, both grants' kinds: the picture's first frame and the caption's name, apart.
  const tvParts = { picture: [] as number[], caption: [] as number[] };
  // The synthetic receivers' times are taken by this process: how late its event loop ran is how
  // late they may be (its 120 sockets and UDP sinks share the 2 cores with everything else).
  const benchLag = monitorEventLoopDelay({ resolution: 10 });
  benchLag.enable();
  for (let grant = 0; grant < phase.grants; grant++) {
    try {
      await grantRound(grant);
    } catch (error) {
      // Keep the numbers measured so far; a round that fails is reported as missed.
      log(`  grant ${grant + 1}/${phase.grants} failed: ${String(error).slice(0, 120)}`);
      missed.synthetic.synthetic += endpoints.length - 1;
    }
  }
  benchLag.disable();
  if (replayer) log(`  key frame requests at the synthetic senders so far: ${replayer.keyFrameRequests.answered} answered, ${replayer.keyFrameRequests.alreadyNext} with a key frame already next`);
  const benchLagMs = { p50: round(benchLag.percentile(50) / 1e6), p99: round(benchLag.percentile(99) / 1e6), max: round(benchLag.max / 1e6) };

  async function grantRound(grant: number): Promise<void> {
    const tv = tvs.length > 0 && grant % 2 === 1 ? tvs[(grant >> 1) % tvs.length]! : null;
    const syntheticSpeaker = tv ? null : others[(1 + (grant + 1) * 7) % others.length]!;
    const speakerUserId = tv ? tv.member.userId : syntheticSpeaker!.userId;
    const speakerPeerId = tv ? chair.peerOfUser.get(speakerUserId) : syntheticSpeaker!.peerId;
    if (!speakerPeerId) throw new Error(`no peer for ${speakerUserId}`);
    // A page too busy to answer in time does not stop the run: the chair may grant without a request.
    const askedAt = performance.now();
    if (tv) await tv.requestFloor().catch((error: unknown) => log(`  (the TV could not ask to speak: ${String(error).slice(0, 80)})`));
    else await syntheticSpeaker!.request('floor:request', { kind: 'speak', agendaItemId: null });
    log(`  the speaker's request was answered in ${round2(performance.now() - askedAt)} ms`);
    await sleep(Number(args['ask-lead']) * 1000);

    const receivers = endpoints.filter((endpoint) => endpoint !== syntheticSpeaker);
    const t0 = performance.now();
    const t0Wall = Date.now();
    // The bench's own stalls delay what its receivers notice: shown per grant, so an outlier can be told from a slow SFU.
    const grantLag = monitorEventLoopDelay({ resolution: 10 });
    grantLag.enable();
    await chair.request('floor:grant', { userId: speakerUserId, speakingTimeSec: null });
    const switched = new Map<SyntheticEndpoint, number>();
    const until = performance.now() + 8_000;
    while (switched.size < receivers.length && performance.now() < until) {
      for (const receiver of receivers) {
        if (switched.has(receiver)) continue;
        const at = mainScreenCarries(receiver, speakerUserId, speakerPeerId, t0);
        if (at !== undefined) switched.set(receiver, at - t0);
      }
      await sleep(20);
    }
    grantLag.disable();
    const kind = tv ? 'chromium' : 'synthetic';
    switchTimes[kind].synthetic.push(...switched.values());
    missed[kind].synthetic += receivers.length - switched.size;
    // A hall TV has switched when its viewers see the new speaker's picture and read their name under it.
    const speakerMember = [...meeting.synthetic, ...meeting.browsers].find((member) => member.userId === speakerUserId)!;
    const tvSeen: string[] = [];
    for (const watcher of tvs.filter((candidate) => candidate !== tv)) {
      const at = await waitFor(() => watcher.showedAfter(speakerMember, t0Wall).catch(() => null), 8_000);
      if (at === null) {
        missed[kind].browsers++;
        continue;
      }
      switchTimes[kind].browsers.push(at.seen - t0Wall);
      tvParts.picture.push(at.picture - t0Wall);
      tvParts.caption.push(at.caption - t0Wall);
      tvSeen.push(`picture ${at.picture - t0Wall} / caption ${at.caption - t0Wall}`);
    }
    if (tvSeen.length > 0) log(`  hall TVs (ms after the grant): ${tvSeen.join('; ')}`);
    log(
      `  grant ${grant + 1}/${phase.grants} to a ${kind} speaker (sent ${new Date(t0Wall).toISOString().slice(11, 23)}): ${switched.size}/${receivers.length} synthetic switched, ` +
        `p50 ${round2(percentile([...switched.values()], 50))} p95 ${round2(percentile([...switched.values()], 95))} ms; ${breakdown(receivers, speakerUserId, speakerPeerId, t0, t0Wall)}` +
        `${keyFrameAsked(syntheticSpeaker, t0)}; bench stalled up to ${round2(grantLag.max / 1e6)} ms`,
    );
    await sleep(1_000);
  }

  const result: PhaseResult = {
    phase,
    loginSeconds: round(loginSeconds),
    joinAllSeconds: round(joinAllSeconds),
    joinedEndpoints: joined.length + 1,
    joinLatencyMs: { p50: round(percentile(joinLatencies, 50)), p95: round(percentile(joinLatencies, 95)), max: round(Math.max(...joinLatencies)) },
    consumers: stats.consumers,
    consumersPerPeer: round(stats.consumers / stats.peers),
    maxConsumersPerEndpoint,
    workerCpuPercent: cpu.worker,
    sfuNodeCpuPercent: cpu.sfuNode,
    signalingCpuPercent: cpu.signaling,
    ffmpegCpuPercent: cpu.ffmpeg,
    benchCpuPercent: cpu.bench,
    browsersCpuPercent: cpu.browsers,
    packetsForwardedPerSecond: trafficBefore && trafficAfter ? Math.round((trafficAfter.packetsSent - trafficBefore.packetsSent) / elapsed) : Number.NaN,
    packetsReceivedBySinksPerSecond: Math.round((sinkPacketsAfter - sinkPacketsBefore) / elapsed),
    syntheticLossPercent: round(loss.expected > 0 ? (100 * Math.max(0, loss.expected - loss.received)) / loss.expected : 0, 3),
    browserLossPercent: browserLoss ? round((100 * browserLoss.lost) / Math.max(1, browserLoss.received + browserLoss.lost), 3) : null,
    hearingSpeaker: `${hearing}/${others.length - 1}`,
    benchLagMs,
    switchMs: {
      syntheticSpeaker: { atSynthetic: summary(switchTimes.synthetic.synthetic, missed.synthetic.synthetic), atChromium: summary(switchTimes.synthetic.browsers, missed.synthetic.browsers) },
      chromiumSpeaker: { atSynthetic: summary(switchTimes.chromium.synthetic, missed.chromium.synthetic), atChromium: summary(switchTimes.chromium.browsers, missed.chromium.browsers) },
    },
    hallTvMs: { picture: summary(tvParts.picture), caption: summary(tvParts.caption) },
  };
  await runCleanups(phaseCleanups);
  return result;
}


function round2(value: number): number {
  return Number.isFinite(value) ? Math.round(value) : Number.NaN;
}

/** Audio packets `receiver` got from the floor holder `speaker`: through the feed's voice, or (all-to-all) from its microphone. */
function audioPacketsFrom(receiver: SyntheticEndpoint, speaker: SyntheticEndpoint): number {
  const voice = receiver.hasFeed ? receiver.feedVoiceSsrc() : undefined;
  const consumer = receiver.hasFeed ? undefined : receiver.consumerOf(speaker.peerId, 'audio');
  const ssrc = voice ?? (consumer ? ssrcOf(consumer) : undefined);
  return (ssrc !== undefined ? receiver.sink.snapshot().get(ssrc)?.received : undefined) ?? 0;
}


/** Where a switch's time went, p50 over the receivers (ms after the grant was sent). */
function breakdown(receivers: readonly SyntheticEndpoint[], speakerUserId: string, speakerPeerId: string, t0: number, t0Wall: number): string {
  const told: number[] = [];
  const cut: number[] = [];
  const noticed: number[] = [];
  const picture: number[] = [];
  for (const receiver of receivers) {
    const toldAt = receiver.toldMainAfter(speakerUserId, t0);
    if (toldAt !== undefined) told.push(toldAt - t0);
    const notice = receiver.feedNoticeFor(speakerPeerId, t0);
    if (!notice) continue;
    cut.push(notice.source.since - t0Wall);
    noticed.push(notice.at - t0);
    const pictureAt = receiver.feedKeyframeSince(notice.source.since);
    if (pictureAt !== undefined) picture.push(pictureAt - t0);
  }
  const p50 = (values: number[]) => round2(percentile(values, 50));
  return `told ${p50(told)}, SFU cut-over ${p50(cut)}, notice ${p50(noticed)}, key frame ${p50(picture)}`;
}

/** For a synthetic speaker: when (after the grant) its camera's top layer was asked for the key frame that starts its picture on the main screen. */
function keyFrameAsked(speaker: SyntheticEndpoint | null, t0: number): string {
  const askedAt = speaker?.keyFrameRequestedAfter(t0);
  return askedAt !== undefined ? `, key frame asked of the speaker ${round2(askedAt - t0)}` : '';
}


function formatSwitch(summary: SwitchSummary): string {
  if (summary.samples + summary.missed === 0) return '–';
  return `${summary.p50} / ${summary.p95} / ${summary.max} (n=${summary.samples}, missed ${summary.missed})`;
}

function printResults(results: PhaseResult[]): void {
  const rows: [string, (r: PhaseResult) => string | number | null][] = [
    ['endpoints joined', (r) => `${r.joinedEndpoints}/${r.phase.endpoints}`],
    ['time for all to join (s)', (r) => r.joinAllSeconds],
    ['join → main screen p50/p95 (ms)', (r) => `${r.joinLatencyMs.p50} / ${r.joinLatencyMs.p95}`],
    ['logins, not counted above (s)', (r) => r.loginSeconds],
    ['consumers in the room', (r) => r.consumers],
    ['consumers per peer (max)', (r) => `${r.consumersPerPeer} (${r.maxConsumersPerEndpoint})`],
    ['mediasoup worker CPU (% of a core)', (r) => r.workerCpuPercent],
    ['sfu node / signaling CPU (%)', (r) => `${r.sfuNodeCpuPercent} / ${r.signalingCpuPercent}`],
    ['ffmpeg senders / bench CPU (%)', (r) => `${r.ffmpegCpuPercent} / ${r.benchCpuPercent}`],
    ['Chromium CPU, all its processes (%)', (r) => r.browsersCpuPercent],
    ['packets/s forwarded by the SFU', (r) => r.packetsForwardedPerSecond],
    ['packets/s at synthetic receivers', (r) => r.packetsReceivedBySinksPerSecond],
    ['loss at synthetic receivers (%)', (r) => r.syntheticLossPercent],
    ['loss at Chromium (%)', (r) => r.browserLossPercent ?? '–'],
    ['receivers hearing the speaker', (r) => r.hearingSpeaker],
    ['grant → main screen p50/p95/max (ms):', () => ''],
    ['  synthetic speaker, at synthetic receivers', (r) => formatSwitch(r.switchMs.syntheticSpeaker.atSynthetic)],
    ['  synthetic speaker, at Chromium TVs', (r) => formatSwitch(r.switchMs.syntheticSpeaker.atChromium)],
    ['  Chromium speaker, at synthetic receivers', (r) => formatSwitch(r.switchMs.chromiumSpeaker.atSynthetic)],
    ['  Chromium speaker, at other Chromium TVs', (r) => formatSwitch(r.switchMs.chromiumSpeaker.atChromium)],
    ['  at the TVs, new picture on screen (all grants)', (r) => formatSwitch(r.hallTvMs.picture)],
    ['  at the TVs, name in the caption (all grants)', (r) => formatSwitch(r.hallTvMs.caption)],
    ['bench event-loop delay p50/p99/max (ms)', (r) => `${r.benchLagMs.p50} / ${r.benchLagMs.p99} / ${r.benchLagMs.max}`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  console.log('');
  for (const result of results) {
    console.log(`== ${result.phase.label}`);
    for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}${value(result)}`);
  }
}

function printFootnote(results: PhaseResult[]): void {
  const n = endpointsCount;
  if (results.some((r) => r.phase.forwarding === 'all-to-all')) {
    console.log(`\n  all-to-all at ${n} endpoints would need ${n * (n - 1) * 2} consumers (2 per other peer per peer).`);
  }
}

/** With --servers-nice, the servers' sessions get that group nice value (see session-priority.ts). */
function prioritizeServers(pids: readonly number[]): void {
  const nice = Number(args['servers-nice']);
  if (nice === 0) return;
  for (const pid of pids) log(`  session of ${pid}: ${setSessionNice(pid, nice)}`);
}

async function main(): Promise<void> {
  log(`load average at start: ${loadavg().map((v) => round(v, 2)).join(' ')} (2 cores)`);
  const clip = await ensureClip(`${repoRoot}bench/.cache`);
  const redis = await startRedis({ ownSession: true });
  cleanups.push(() => redis.stop());
  prioritizeServers([redis.process.pid!]);
  const replayer = args.senders === 'replay' ? new ThreadedReplayer(await captureClip(clip, await ensureClip(`${repoRoot}bench/.cache`, LOW_CLIP))) : undefined;
  if (replayer) cleanups.push(() => replayer.close());
  log(
    `senders: ${replayer ? 'one thread replaying the clip as ffmpeg packetized it, two simulcast layers per camera, answering key frame requests' : 'one ffmpeg per endpoint, one layer per camera'}`,
  );
  const results: PhaseResult[] = [];
  for (const phase of phases) {
    const result = await runPhase(phase, redis, clip, replayer);
    results.push(result);
    printResults([result]);
  }
  printFootnote(results);
  mkdirSync(`${repoRoot}bench/results`, { recursive: true });
  const file = `${repoRoot}bench/results/conference-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify({ args, loadAverage: loadavg(), results }, null, 2));
  log(`results written to ${file}`);
}

main()
  .catch((error: unknown) => {
    console.error('[bench] failed:', error);
    process.exitCode = 1;
  })
  .finally(async () => {
    clearTimeout(deadline);
    await cleanup();
  });
