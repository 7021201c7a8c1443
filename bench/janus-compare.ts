/**
 * eHọp's SFU against Janus 1.1 (Debian's `janus`, VideoRoom plugin) on the same meeting, on the
 * same machine, in the same run, one server after the other (issue 17, "a peer on the same load").
 * Run from the repository root (after `npx tsc -b sfu-server signaling`):
 *
 *   source scripts/lib/common.sh && npx tsx bench/janus-compare.ts [--receivers 20] [--publishers 4]
 *     [--switches 10] [--window 10] [--gap 2] [--order ehop,janus]
 *
 * The same clients on both sides, all in this process: Node WebRTC peers (@roamhq/wrtc, libwebrtc),
 * each publisher a 320x180 10 fps VP8 camera and an Opus microphone (the fault suite's synthetic
 * media) with its number drawn in the picture's top macroblock row; each receiver decodes what it
 * gets and reads that number from every frame. The microphones of all but the speaker are
 * disabled (what mediasoup-client's pause does), on both sides.
 *
 * eHọp: the fault suite's stack (real Redis, SFU with one mediasoup 3.12 worker, signaling), a
 * bench meeting with `--publishers` + `--receivers` members (bench/lib/seed.ts), every client a
 * MeetingEndpoint (mediasoup-client on wrtc). Receivers are receive-only; each gets the room's
 * main-screen feed (one video + one audio consumer). Publishers (the chair first) receive the feed
 * too. A speaker switch is the chair's `floor:grant` to the next delegate: the SFU cuts the feed
 * over to the new speaker at its key frame and opens their microphone.
 *
 * Janus: one VideoRoom room; each publisher joins with `joinandconfigure` (and also subscribes
 * to the speaker, as eHọp's publishers receive the feed); each receiver is a session with one
 * subscriber handle for the speaker's audio and video. A switch is Janus 1.1's multistream
 * `switch` request on every subscriber handle, sent all at once by the bench (what an
 * application server would do: Janus has no notion of a main screen), each over its own session.
 *
 * Measured the same way on both: the server's CPU (/proc) over a steady window with a speaker
 * (publisher 2) on screen and heard, packets/s and bits/s at the clients' inbound RTP (getStats), loss
 * (packetsLost / (received + lost)) over that window, join (start of the client's join → first
 * decoded frame showing the chair), and switch (the switch request(s) sent → first decoded frame
 * showing the new speaker at each receiver, every receiver counted).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import wrtc from '@roamhq/wrtc';
import { MAIN_FEED_PEER_ID, type ConsumerOptions } from '@ehop/protocol';
import { MeetingEndpoint, startFaultStack, type FaultStack, type MeetingEndpointOptions } from '@ehop/faults';
import { activeStreams, addCounters, inboundCounters, MarkerWatcher, startMarkedMedia, ZERO_COUNTERS, type InboundCounters, type MarkedMedia } from './lib/janus-marked-media.js';
import { startJanus, type JanusServer } from './lib/janus-server.js';
import { JanusPublisher, JanusSession, JanusSubscriber, type PublisherStreams } from './lib/janus-videoroom.js';
import { CpuMeter } from './lib/process-cpu.js';
import { childPids } from './lib/process-tree.js';
import { login, seedBenchMeeting } from './lib/seed.js';
import { mapLimit, percentile, round, sleep } from './lib/stats.js';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

const { values: args } = parseArgs({
  options: {
    receivers: { type: 'string', default: '20' },
    publishers: { type: 'string', default: '4' },
    switches: { type: 'string', default: '10' },
    /** Seconds of steady state measured (CPU, packets, loss). */
    window: { type: 'string', default: '10' },
    /** Seconds between switches. */
    gap: { type: 'string', default: '2' },
    order: { type: 'string', default: 'ehop,janus' },
    /** Joins in flight at once (both sides). */
    concurrency: { type: 'string', default: '4' },
    /** Runs eHọp's SFU with SFU_MEDIA_TRACE=1 and writes its log next to the results (where a join's time goes). */
    'sfu-trace': { type: 'boolean', default: false },
  },
});
const RECEIVERS = Number(args.receivers);
const PUBLISHERS = Number(args.publishers);
const SWITCHES = Number(args.switches);
const WINDOW_S = Number(args.window);
const GAP_MS = Number(args.gap) * 1000;
const CONCURRENCY = Number(args.concurrency);
const SWITCH_TIMEOUT_MS = 8_000;
const JOIN_TIMEOUT_MS = 30_000;
if (PUBLISHERS < 3 || PUBLISHERS > 200) throw new Error('--publishers: 3..200 (the chair and at least two speakers)');

/**
 * Publisher k (0 = the chair) draws mark k + 1. The chair is on screen while the receivers join;
 * then the floor goes to publisher 2 (mark 2) for the steady window, and switch i shows
 * mark 3, ..., P, 2, 3, ...: grants from one delegate to the next (the chair's own camera, shown
 * when nobody has the floor, carries no voice in eHọp, so it is left out of the rotation).
 */
const switchTarget = (i: number) => ((i + 1) % (PUBLISHERS - 1)) + 2;

const log = (...parts: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 23)}]`, ...parts);

interface Receiver {
  watcher: MarkerWatcher;
}

/** One server set up for the meeting, measured by the same code. */
interface Side {
  name: string;
  /** Server processes measured, by name. */
  serverPids: Record<string, () => number[]>;
  receivers: Receiver[];
  joinMs: number[];
  joinFailures: number;
  /** Steps of the receivers' joins, ms after each join started (printed as p50 / max). */
  joinSteps: Record<string, number[]>;
  /** Every client's inbound counters (receivers and publishers), summed. */
  inbound(): Promise<InboundCounters>;
  /** What the server says it holds to forward (eHọp: mediasoup consumers, the feed's own included; Janus: subscriber streams). */
  serverStreams(): Promise<string>;
  /** Sends the switch to the publisher drawing `mark`; resolves when the server(s) answered. */
  switchTo(mark: number): Promise<void>;
  close(): Promise<void>;
}

interface SideResult {
  name: string;
  receivers: number;
  joined: number;
  joinMs: { p50: number; p95: number; max: number };
  cpu: Record<string, number>;
  serverCpu: number;
  benchCpu: number;
  forwardedStreams: number;
  serverStreams: string;
  serverCpuPerStream: number;
  inboundPacketsPerSecond: number;
  videoPacketsPerSecond: number;
  audioPacketsPerSecond: number;
  serverCpuPer1kPackets: number;
  inboundKbps: number;
  lossPercent: number;
  switchAnsweredMs: { p50: number; max: number };
  switchMs: { p50: number; p95: number; max: number; samples: number; missed: number };
  perSwitch: { target: number; p50: number; max: number; missed: number }[];
  switchCpu: number;
  load: number[];
}

// ---------------------------------------------------------------------------------------------
// eHọp

function feedVideoTrack(endpoint: MeetingEndpoint): MediaStreamTrack | null {
  return endpoint.mainFeedVideoTrack();
}

async function endpointInbound(endpoint: MeetingEndpoint, client: string): Promise<InboundCounters> {
  const stats = await endpoint.receiveStats().catch(() => null);
  if (!stats) return ZERO_COUNTERS;
  return inboundCounters({ getStats: async () => stats } as RTCPeerConnection, client).catch(() => ZERO_COUNTERS);
}

async function setUpEhop(): Promise<Side> {
  log('eHọp: starting Redis, the SFU (1 worker) and signaling (fault stack)');
  const stack: FaultStack = await startFaultStack(args['sfu-trace'] ? { sfuEnv: { SFU_MEDIA_TRACE: '1' } } : {});
  const endpoints: MeetingEndpoint[] = [];
  const watchers: MarkerWatcher[] = [];
  const timers: NodeJS.Timeout[] = [];
  const close = async () => {
    timers.forEach((timer) => clearInterval(timer));
    watchers.forEach((watcher) => watcher.stop());
    endpoints.forEach((endpoint) => endpoint.close());
    await sleep(500);
    if (args['sfu-trace']) {
      mkdirSync(`${repoRoot}bench/results`, { recursive: true });
      writeFileSync(`${repoRoot}bench/results/janus-compare-sfu-trace.log`, stack.sfu.output());
    }
    await stack.stop();
  };
  try {
    const meetingId = 'bench-janus-compare';
    const meeting = await seedBenchMeeting(stack.redis.url, meetingId, PUBLISHERS + RECEIVERS, 0);
    const url = stack.nodes[0]!.url;
    const loginStart = performance.now();
    const cookies = await mapLimit(meeting.synthetic, CONCURRENCY, (member) => login(url, member.username));
    log(`eHọp: ${cookies.length} logins in ${round((performance.now() - loginStart) / 1000)} s (not part of the join times)`);
    const members = meeting.synthetic;

    // Publishers, the chair first, each sending a camera marked with its number and a microphone.
    const publishers: MeetingEndpoint[] = [];
    for (let k = 0; k < PUBLISHERS; k++) {
      // Its camera shows its number (1 = the chair), for the receivers to read back.
      const options: MeetingEndpointOptions = { url, cookie: cookies[k]!, meetingId, media: 'send', makeMedia: (rtc) => startMarkedMedia(rtc, k + 1) };
      const endpoint = await MeetingEndpoint.join(members[k]!.userId, options);
      endpoints.push(endpoint);
      publishers.push(endpoint);
    }
    log(`eHọp: ${PUBLISHERS} publishers (the chair first) are sending`);
    await sleep(1_000);

    const receivers: Receiver[] = [];
    const joinMs: number[] = [];
    const joinSteps: Record<string, number[]> = { 'MeetingEndpoint.join resolved': [], 'feed video consumer created (client)': [] };
    let joinFailures = 0;
    await mapLimit(members.slice(PUBLISHERS), CONCURRENCY, async (member, index) => {
      const watcher = new MarkerWatcher(wrtc);
      watchers.push(watcher);
      receivers.push({ watcher });
      const shown = watcher.next(1, JOIN_TIMEOUT_MS);
      const start = performance.now();
      if (args['sfu-trace']) log(`eHọp: ${member.userId} starts joining at ${Date.now()} (epoch ms)`);
      const endpoint = await MeetingEndpoint.join(member.userId, { url, cookie: cookies[PUBLISHERS + index]!, meetingId, media: 'receive' });
      joinSteps['MeetingEndpoint.join resolved']!.push(performance.now() - start);
      endpoints.push(endpoint);
      // Watch the feed's consumer as soon as it exists (a rejoin would replace it).
      let seen = false;
      const follow = () => {
        const track = feedVideoTrack(endpoint);
        if (track && !seen) {
          seen = true;
          joinSteps['feed video consumer created (client)']!.push(performance.now() - start);
        }
        if (track) watcher.watch(track);
      };
      follow();
      timers.push(setInterval(follow, 10));
      const at = await shown;
      if (at === null) joinFailures++;
      else joinMs.push(at - start);
    });
    log(`eHọp: ${joinMs.length}/${RECEIVERS} receivers show the chair`);

    const chair = publishers[0]!;
    return {
      name: 'eHọp (mediasoup 3.12.16)',
      serverPids: {
        worker: () => childPids(stack.sfu.process.pid!),
        'sfu node': () => [stack.sfu.process.pid!],
        signaling: () => [stack.nodes[0]!.process.pid!],
        redis: () => [stack.redis.process.pid!],
      },
      receivers,
      joinMs,
      joinFailures,
      joinSteps,
      inbound: async () => (await Promise.all(endpoints.map((endpoint, index) => endpointInbound(endpoint, String(index))))).reduce(addCounters, ZERO_COUNTERS),
      serverStreams: async () => {
        return `${(await stack.sfuProbe.request('room:stats', { roomId: meetingId })).consumers} consumers`;
      },
      async switchTo(mark) {
        await chair.request('floor:grant', { userId: members[mark - 1]!.userId, speakingTimeSec: null });
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Janus

async function setUpJanus(): Promise<Side> {
  log('Janus: starting janus 1.1 (HTTP transport, VideoRoom only)');
  const janus: JanusServer = await startJanus();
  const publishers: JanusPublisher[] = [];
  const media: MarkedMedia[] = [];
  const subscribers: JanusSubscriber[] = [];
  const watchers: MarkerWatcher[] = [];
  let admin: JanusSession | null = null;
  const close = async () => {
    watchers.forEach((watcher) => watcher.stop());
    await Promise.all(subscribers.map((subscriber) => subscriber.close().catch(() => undefined)));
    await Promise.all(publishers.map((publisher) => publisher.close().catch(() => undefined)));
    media.forEach((one) => one.stop());
    await admin?.destroy();
    await janus.stop();
  };
  try {
    const room = 4242;
    admin = await JanusSession.create(janus.url);
    const adminHandle = await admin.attach();
    await adminHandle.data({
      request: 'create',
      room,
      description: 'bench',
      publishers: PUBLISHERS,
      bitrate: 0,
      fir_freq: 0,
      videocodec: 'vp8',
      audiocodec: 'opus',
      notify_joining: false,
    });
    for (let k = 0; k < PUBLISHERS; k++) {
      const tracks = startMarkedMedia(wrtc, k + 1);
      media.push(tracks);
      // Everyone joins muted but the one on screen, as in eHọp (a disabled track: what mediasoup-client's pause does).
      // All join muted, the chair too, as MeetingEndpoint does (track disabled, stream not relayed).
      const publisher = await JanusPublisher.join(wrtc, janus.url, room, k + 1, `publisher ${k + 1}`, tracks);
      await publisher.setMicrophone(false);
      publishers.push(publisher);
    }
    // Each publisher also receives the speaker, as eHọp's publishers receive the main screen, and
    // everyone but the chair the chair's voice, as eHọp gives every participant a consumer of it.
    const chairStreams = publishers[0]!.streams;
    const publisherSubscribers: JanusSubscriber[] = [];
    for (const [k, publisher] of publishers.entries()) {
      const subscriber = await JanusSubscriber.join(wrtc, janus.url, room, chairStreams, { session: publisher.session, ...(k > 0 ? { alsoAudioOf: chairStreams } : {}) });
      subscribers.push(subscriber);
      publisherSubscribers.push(subscriber);
    }
    log(`Janus: ${PUBLISHERS} publishers are sending`);
    await sleep(1_000);

    const receivers: Receiver[] = [];
    const receiverSubscribers: JanusSubscriber[] = [];
    const joinMs: number[] = [];
    const joinSteps: Record<string, number[]> = { 'subscriber started (start answered)': [] };
    let joinFailures = 0;
    await mapLimit(Array.from({ length: RECEIVERS }), CONCURRENCY, async () => {
      const watcher = new MarkerWatcher(wrtc);
      watchers.push(watcher);
      const shown = watcher.next(1, JOIN_TIMEOUT_MS);
      const start = performance.now();
      const subscriber = await JanusSubscriber.join(wrtc, janus.url, room, chairStreams, { alsoAudioOf: chairStreams });
      joinSteps['subscriber started (start answered)']!.push(performance.now() - start);
      subscribers.push(subscriber);
      receiverSubscribers.push(subscriber);
      watcher.watch(subscriber.videoTrack);
      const at = await shown;
      if (at === null) joinFailures++;
      else joinMs.push(at - start);
      receivers.push({ watcher });
    });
    log(`Janus: ${joinMs.length}/${RECEIVERS} receivers show the chair`);

    let speaker = 1;
    return {
      name: 'Janus 1.1.2 VideoRoom',
      serverPids: { janus: () => [janus.pid] },
      receivers,
      joinMs,
      joinFailures,
      joinSteps,
      inbound: async () =>
        (await Promise.all(subscribers.map((subscriber, index) => inboundCounters(subscriber.pc, String(index)).catch(() => ZERO_COUNTERS)))).reduce(addCounters, ZERO_COUNTERS),
      // Two streams (audio, video) per subscriber handle.
      serverStreams: async () => `${subscribers.length * 2 + RECEIVERS + PUBLISHERS - 1} subscriber streams, ${2} paused`,
      // Every subscriber moves to the new speaker, except the speaker's own, whose speaker streams
      // pause (eHọp pauses the feed of whoever is on it); the previous speaker's resume.
      async switchTo(mark) {
        const target = publishers[mark - 1]!.streams as PublisherStreams;
        const previous = speaker;
        await Promise.all([
          ...receiverSubscribers.map((subscriber) => subscriber.switchTo(target)),
          ...publisherSubscribers.map(async (subscriber, k) => {
            if (k === mark - 1) return subscriber.setSpeakerStreams(false);
            await subscriber.switchTo(target);
            if (k === previous - 1 && previous !== 1) await subscriber.setSpeakerStreams(true);
          }),
          // The floor's microphone rule, which eHọp's SFU applies by itself at a grant.
          previous !== 1 ? publishers[previous - 1]!.setMicrophone(false) : Promise.resolve(),
          publishers[mark - 1]!.setMicrophone(true),
        ]);
        speaker = mark;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The same measurement on both

async function measure(side: Side): Promise<SideResult> {
  const load = loadavg().map((value) => round(value, 2));
  for (const [step, values] of Object.entries(side.joinSteps)) log(`${side.name}: join step "${step}" p50 ${round(percentile(values, 50))} max ${round(Math.max(...values))} ms`);
  log(`${side.name}: join → first frame of the chair p50 ${round(percentile(side.joinMs, 50))} max ${round(Math.max(...side.joinMs))} ms`);
  // The first speaker: their picture and voice on every main screen during the steady window.
  const first = side.receivers.map((receiver) => receiver.watcher.next(2, SWITCH_TIMEOUT_MS));
  await side.switchTo(2);
  const firstShown = (await Promise.all(first)).filter((at) => at !== null).length;
  log(`${side.name}: publisher 2 has the floor, ${firstShown}/${side.receivers.length} receivers show them`);
  await sleep(3_000);
  const pids = () => Object.values(side.serverPids).flatMap((pids) => pids());
  const meters = Object.fromEntries(Object.entries(side.serverPids).map(([name, pids]) => [name, new CpuMeter(pids)]));
  const server = new CpuMeter(pids);
  const bench = new CpuMeter(() => [process.pid]);
  const all = [...Object.values(meters), server, bench];
  log(`${side.name}: measuring ${WINDOW_S} s of steady state (publisher 2 speaking)`);
  const before = await side.inbound();
  const windowStart = performance.now();
  all.forEach((meter) => meter.start());
  await sleep(WINDOW_S * 1000);
  const cpu = Object.fromEntries(Object.entries(meters).map(([name, meter]) => [name, round(meter.stop())]));
  const serverCpu = round(server.stop());
  const benchCpu = round(bench.stop());
  const after = await side.inbound();
  const elapsed = (performance.now() - windowStart) / 1000;
  // Streams carrying media: at least 5 packets/s (a muted microphone's consumer in eHọp gets a trickle).
  const streams = activeStreams(before, after, 5 * elapsed);
  const serverStreams = await side.serverStreams();
  const packets = after.packetsReceived - before.packetsReceived;
  const lost = after.packetsLost - before.packetsLost;
  const packetsPerSecond = packets / elapsed;

  log(`${side.name}: ${SWITCHES} switches, ${GAP_MS / 1000} s apart`);
  const switchSamples: number[] = [];
  const answered: number[] = [];
  const perSwitch: SideResult['perSwitch'] = [];
  let missed = 0;
  const switchCpu = new CpuMeter(pids);
  switchCpu.start();
  for (let i = 0; i < SWITCHES; i++) {
    await sleep(GAP_MS);
    const target = switchTarget(i);
    const waits = side.receivers.map((receiver) => receiver.watcher.next(target, SWITCH_TIMEOUT_MS));
    const t0 = performance.now();
    try {
      await side.switchTo(target);
    } catch (error) {
      log(`  switch ${i + 1} failed: ${String(error).slice(0, 160)}`);
    }
    answered.push(performance.now() - t0);
    const times = (await Promise.all(waits)).map((at) => (at === null ? null : at - t0));
    const got = times.filter((ms): ms is number => ms !== null);
    switchSamples.push(...got);
    missed += times.length - got.length;
    perSwitch.push({ target, p50: round(percentile(got, 50)), max: round(Math.max(...got)), missed: times.length - got.length });
    log(
      `  switch ${i + 1} → publisher ${target}: answered in ${round(answered.at(-1)!)} ms; ${got.length}/${times.length} receivers show it, p50 ${round(percentile(got, 50))} max ${round(Math.max(...got))} ms`,
    );
  }
  const switchCpuPercent = round(switchCpu.stop());

  return {
    name: side.name,
    receivers: RECEIVERS,
    joined: side.joinMs.length,
    joinMs: { p50: round(percentile(side.joinMs, 50)), p95: round(percentile(side.joinMs, 95)), max: round(Math.max(...side.joinMs)) },
    cpu,
    serverCpu,
    benchCpu,
    forwardedStreams: streams,
    serverStreams,
    serverCpuPerStream: round(serverCpu / streams, 3),
    inboundPacketsPerSecond: Math.round(packetsPerSecond),
    videoPacketsPerSecond: Math.round((after.videoPackets - before.videoPackets) / elapsed),
    audioPacketsPerSecond: Math.round((after.audioPackets - before.audioPackets) / elapsed),
    serverCpuPer1kPackets: round((1000 * serverCpu) / packetsPerSecond, 2),
    inboundKbps: Math.round(((after.bytesReceived - before.bytesReceived) * 8) / elapsed / 1000),
    lossPercent: round(packets + lost > 0 ? (100 * lost) / (packets + lost) : 0, 3),
    switchAnsweredMs: { p50: round(percentile(answered, 50)), max: round(Math.max(...answered)) },
    switchMs: {
      p50: round(percentile(switchSamples, 50)),
      p95: round(percentile(switchSamples, 95)),
      max: round(Math.max(...switchSamples)),
      samples: switchSamples.length,
      missed,
    },
    perSwitch,
    switchCpu: switchCpuPercent,
    load,
  };
}

function printTable(results: SideResult[]): void {
  const rows: [string, (result: SideResult) => string][] = [
    ['receivers joined', (r) => `${r.joined}/${r.receivers}`],
    ['join → first frame p50 / p95 / max (ms)', (r) => `${r.joinMs.p50} / ${r.joinMs.p95} / ${r.joinMs.max}`],
    ['server CPU, steady (% of a core)', (r) => `${r.serverCpu} (${Object.entries(r.cpu).map(([name, value]) => `${name} ${value}`).join(', ')})`],
    ['streams carrying media to the clients, ≥ 5 packets/s (server holds)', (r) => `${r.forwardedStreams} (${r.serverStreams})`],
    ['server CPU per forwarded stream (%)', (r) => String(r.serverCpuPerStream)],
    ['packets/s at the clients (video + audio)', (r) => `${r.inboundPacketsPerSecond} (${r.videoPacketsPerSecond} + ${r.audioPacketsPerSecond})`],
    ['server CPU per 1,000 packets/s (%)', (r) => String(r.serverCpuPer1kPackets)],
    ['kb/s at the clients', (r) => String(r.inboundKbps)],
    ['loss at the clients (steady window)', (r) => `${r.lossPercent} %`],
    ['switch request(s) answered p50 / max (ms)', (r) => `${r.switchAnsweredMs.p50} / ${r.switchAnsweredMs.max}`],
    ['switch → every receiver p50 / p95 / max (ms)', (r) => `${r.switchMs.p50} / ${r.switchMs.p95} / ${r.switchMs.max}`],
    ['switch samples (missed)', (r) => `${r.switchMs.samples} (${r.switchMs.missed})`],
    ['server CPU during the switches (%)', (r) => String(r.switchCpu)],
    ['bench (all clients) CPU, steady (%)', (r) => String(r.benchCpu)],
    ['load average at start (1/5/15 min)', (r) => r.load.join(' / ')],
  ];
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  console.log(`\n${PUBLISHERS} publishers, ${RECEIVERS} receivers, ${SWITCHES} switches, ${WINDOW_S} s window\n`);
  console.log(`| ${'metric'.padEnd(width)} | ${results.map((r) => r.name).join(' | ')} |`);
  console.log(`| ${'-'.repeat(width)} | ${results.map(() => '---').join(' | ')} |`);
  for (const [name, cell] of rows) console.log(`| ${name.padEnd(width)} | ${results.map(cell).join(' | ')} |`);
}

const results: SideResult[] = [];
for (const name of args.order.split(',')) {
  const side = name === 'janus' ? await setUpJanus() : await setUpEhop();
  try {
    results.push(await measure(side));
  } finally {
    await side.close();
  }
  await sleep(3_000);
}
printTable(results);
mkdirSync(`${repoRoot}bench/results`, { recursive: true });
const file = `${repoRoot}bench/results/janus-compare-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, JSON.stringify({ args, results }, null, 2));
console.log(`\n(results in ${file})`);
process.exit(0);
