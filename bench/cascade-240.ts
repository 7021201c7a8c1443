/**
 * Issue 16: one meeting's endpoints over three SFU nodes (the province's and two districts', peers
 * placed by unit, the nodes linked) against the same endpoints on one node. Run from the
 * repository root (after `npm run build`):
 *
 *   source scripts/lib/common.sh && npx tsx bench/cascade-240.ts [--endpoints 240] [--grants 6]
 *     [--window 10] [--thumbs-share 0.25] [--page 6] [--province-every 5] [--deadline 1500] [--skip-one-node]
 *
 * The endpoints are conference-120's synthetic ones (a signaling socket each, plain RTP from the
 * threaded replayer, simulcast cameras, a UDP sink). The seed puts the chair and every
 * `--province-every`-th member at the province, the others alternately in district 1 and 2 (a
 * third directly in the district, the rest in its communes). Phases, one after the other:
 *   1. one node: one SFU, signaling reaching it by SFU_URL;
 *   2. three nodes: SFUs announced in Redis with SFU_UNIT_ID = the province / district 1 / district 2,
 *      signaling with SFU_DISCOVERY=redis and SFU_PEER_PLACEMENT=unit. The chair is at the province,
 *      so the meeting's home is the province's node.
 * Grant → main screen is measured at synthetic receivers as conference-120 does (main-feed notice,
 * conference state, and the first key frame on the feed after the cut-over), grouped by the level of
 * the receiver's unit (its node in phase 2). Streams crossing each link come from every node's
 * `room:links` (the producers each end sends and receives).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { LinkSummary } from '@ehop/protocol';
import { sfuHealth, startRedis, startSfuServer, startSignaling, type RedisHandle, type SfuServerHandle } from '@ehop/testkit';
import { ensureClip, LOW_CLIP } from './lib/clip.js';
import { mainScreenCarries, summary, waitFor, type SwitchSummary } from './lib/main-screen.js';
import { CpuMeter } from './lib/process-cpu.js';
import { captureClip } from './lib/rtp-replayer.js';
import { lossBetween } from './lib/rtp-sink.js';
import { BENCH_PROVINCE_ID, benchDistrictId, login, seedBenchMeeting, type BenchMember } from './lib/seed.js';
import { SfuLink } from './lib/sfu-link.js';
import { mapLimit, percentile, round, sleep } from './lib/stats.js';
import { ssrcOf, SyntheticEndpoint } from './lib/synthetic-endpoint.js';
import { ThreadedReplayer } from './lib/threaded-replayer.js';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

const { values: args } = parseArgs({
  options: {
    endpoints: { type: 'string', default: '240' },
    grants: { type: 'string', default: '6' },
    window: { type: 'string', default: '10' },
    'ask-lead': { type: 'string', default: '1.5' },
    'thumbs-share': { type: 'string', default: '0.25' },
    page: { type: 'string', default: '6' },
    'province-every': { type: 'string', default: '5' },
    deadline: { type: 'string', default: '1500' },
    'skip-one-node': { type: 'boolean', default: false },
  },
});

const endpointsCount = Number(args.endpoints);
const windowSeconds = Number(args.window);
const thumbsShare = Number(args['thumbs-share']);
const pageSize = Number(args.page);
const CLUSTER_SECRET = 'bench-cascade-sfu-cluster-secret-0123456789';

/** The three levels: the province's unit, district 1's, district 2's (and the nodes serving them in phase 2). */
const LEVELS = [
  { key: 'province', unitId: BENCH_PROVINCE_ID, nodeId: 'sfu-tinh' },
  { key: 'district1', unitId: benchDistrictId(1), nodeId: 'sfu-huyen-1' },
  { key: 'district2', unitId: benchDistrictId(2), nodeId: 'sfu-huyen-2' },
] as const;
type LevelKey = (typeof LEVELS)[number]['key'];
const levelOf = (member: BenchMember): LevelKey => LEVELS.find((level) => level.unitId === member.nodeUnitId)!.key;

interface Phase {
  key: 'one-node' | 'three-nodes';
  label: string;
  nodes: number;
}

interface NodeResult {
  nodeId: string;
  level: LevelKey;
  peers: number;
  workerCpuPercent: number;
  nodeCpuPercent: number;
}

interface LinkResult {
  /** The far (district) node. */
  farNode: string;
  endpointsBeyond: number;
  /** Distinct producers the home node sends down the link / the far node sends up, by kind. */
  down: { video: number; audio: number };
  up: { video: number; audio: number };
  /** Cameras published elsewhere that the far node's peers show as thumbnails, and the far node's cameras shown elsewhere (the thumbnails' share of what must cross). */
  thumbnailsWatchedDown: number;
  thumbnailsWatchedUp: number;
}

interface PhaseResult {
  phase: Phase;
  joinedEndpoints: number;
  joinAllSeconds: number;
  joinLatencyMs: { p50: number; p95: number; max: number };
  /** Endpoints whose transports were on the node of their unit's level (phase 2); all of them on one node. */
  placedOnOwnLevel: string;
  nodes: NodeResult[];
  signalingCpuPercent: number;
  benchCpuPercent: number;
  packetsReceivedBySinksPerSecond: number;
  lossPercent: number;
  lossPercentByLevel: Record<LevelKey, number>;
  /** Loss on the main screen's picture alone, and on all other streams (thumbnails, the holder's voice). */
  lossPercentFeed: number;
  /** The kernel's UDP receive-buffer drops (whole machine, /proc/net/snmp RcvbufErrors) per second over the window. */
  udpReceiveBufferDropsPerSecond: number;
  /** The sockets (local port:inode) that dropped datagrams over the window, most first (at most 20). */
  droppingSockets: { socket: string; dropsPerSecond: number }[];
  /** Thumbnail pictures' loss by the publisher's level → the receiver's level. */
  thumbnailLossByPath: Record<string, number>;
  lossPercentOthers: number;
  /** Seconds from the holder's grant until every link carried at least the cameras watched across it (capped at 33). */
  linksSettledSeconds: number;
  /** Links after the holder's grant and the thumbnails, in steady state; and again after all grants. */
  linksSteady: LinkResult[];
  linksAfterGrants: LinkResult[];
  /** Grant → main screen at the receivers of each level, all grants together; and per speaker level. */
  switchMs: Record<LevelKey, SwitchSummary>;
  switchMsBySpeaker: Record<string, Record<LevelKey, SwitchSummary>>;
  grants: { speakerLevel: LevelKey; switched: number; receivers: number; p50: number; p95: number; grantAnsweredMs: number }[];
}

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];
async function runCleanups(list: Cleanup[]): Promise<void> {
  for (const fn of list.splice(0).reverse()) await Promise.resolve().then(fn).catch(() => undefined);
}
const deadline = setTimeout(() => {
  console.error(`\n[bench] deadline of ${args.deadline} s reached: stopping`);
  void runCleanups(cleanups).finally(() => process.exit(2));
}, Number(args.deadline) * 1000);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void runCleanups(cleanups).finally(() => process.exit(130)));

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

const phases: Phase[] = [
  ...(args['skip-one-node'] ? [] : [{ key: 'one-node', label: `one SFU node, ${endpointsCount} endpoints`, nodes: 1 } as const]),
  { key: 'three-nodes', label: `three SFU nodes (province + 2 districts, unit placement), ${endpointsCount} endpoints`, nodes: 3 },
];

async function startNodes(phase: Phase, redis: RedisHandle): Promise<SfuServerHandle[]> {
  const sfus: SfuServerHandle[] = [];
  for (const [index, level] of LEVELS.slice(0, phase.nodes).entries()) {
    const announce: Record<string, string> =
      phase.nodes > 1 ? { SFU_REDIS_URL: redis.sfuUrl, SFU_NODE_ID: level.nodeId, SFU_UNIT_ID: level.unitId, SFU_SECRET: CLUSTER_SECRET } : {};
    sfus.push(
      await startSfuServer({
        ownSession: true,
        env: {
          SFU_ENABLE_PLAIN_RTP: '1',
          SFU_WORKERS: '1',
          LOG_LEVEL: process.env['BENCH_SFU_LOG_LEVEL'] ?? 'warn',
          RTC_MIN_PORT: String(20_000 + index * 2_000),
          RTC_MAX_PORT: String(21_999 + index * 2_000),
          ...announce,
        },
      }),
    );
  }
  return sfus;
}

async function runPhase(phase: Phase, redis: RedisHandle, replayer: ThreadedReplayer, clip: string): Promise<PhaseResult> {
  log(`phase: ${phase.label}`);
  const phaseCleanups: Cleanup[] = [];
  cleanups.push(() => runCleanups(phaseCleanups));
  const sfus = await startNodes(phase, redis);
  for (const sfu of sfus) phaseCleanups.push(() => sfu.stop());
  const cluster = phase.nodes > 1;
  const signaling = await startSignaling({
    ownSession: true,
    redisUrl: redis.url,
    sfuUrl: cluster ? '' : sfus[0]!.url,
    sfuSecret: sfus[0]!.secret,
    env: {
      CLIENT_DIST: `${repoRoot}client/dist`,
      LOG_LEVEL: 'warn',
      SFU_REQUEST_TIMEOUT_MS: '30000',
      ...(cluster ? { SFU_DISCOVERY: 'redis', SFU_PEER_PLACEMENT: 'unit' } : {}),
    },
  });
  phaseCleanups.push(() => signaling.stop());
  const workerPids = await Promise.all(sfus.map(async (sfu) => (await sfuHealth(sfu)).workers[0]!.pid));
  const links = await Promise.all(sfus.map((sfu) => SfuLink.connect(sfu.url, sfu.secret)));
  phaseCleanups.push(() => links.forEach((link) => link.close()));
  // Signaling reads the nodes' registry every second: let it see and connect to all three.
  if (cluster) await sleep(3_000);

  const meetingId = `bench-cascade-${phase.key}`;
  const meeting = await seedBenchMeeting(redis.url, meetingId, endpointsCount, 0, { districts: 2, provinceEvery: Number(args['province-every']) });
  const cookies = await mapLimit(meeting.synthetic, 4, (member) => login(signaling.url, member.username));
  log(`  ${cookies.length} logins; per level: ${LEVELS.map((l) => `${l.key} ${meeting.synthetic.filter((m) => levelOf(m) === l.key).length}`).join(', ')}`);

  const endpoints = meeting.synthetic.map(
    (member, index) =>
      new SyntheticEndpoint({ index, userId: member.userId, cookie: cookies[index]!, signalingUrl: signaling.url, meetingId, sfu: links[0]!, sfus: links, clip, replayer }),
  );
  phaseCleanups.push(() => endpoints.forEach((endpoint) => endpoint.close()));
  const memberOf = new Map(endpoints.map((endpoint, index) => [endpoint, meeting.synthetic[index]!]));
  const level = (endpoint: SyntheticEndpoint) => levelOf(memberOf.get(endpoint)!);
  const nodeIndex = (endpoint: SyntheticEndpoint) => links.indexOf(endpoint.node!);
  const [chair, ...others] = endpoints as [SyntheticEndpoint, ...SyntheticEndpoint[]];

  await chair.join();
  await waitFor(async () => ((await chair.node!.request('room:traffic', { roomId: meetingId })).packetsReceived > 0 ? true : null), 30_000);
  const joinStart = performance.now();
  const failedJoins: string[] = [];
  await mapLimit(others, 6, (endpoint) => endpoint.join().catch((error: unknown) => void failedJoins.push(String(error).slice(0, 100))));
  if (failedJoins.length) log(`  ${failedJoins.length} joins failed, first: ${failedJoins[0]}`);
  const receiving = await Promise.all(others.map((endpoint) => (endpoint.node ? endpoint.waitForMainScreenShowing(chair.peerId, 90_000) : Promise.resolve(null))));
  others.forEach((endpoint, index) => (endpoint.timings.receiving = receiving[index] ?? Number.NaN));
  const joined = receiving.filter((at) => at !== null) as number[];
  const joinAllSeconds = joined.length ? (Math.max(...joined) - joinStart) / 1000 : Number.NaN;
  const joinLatencies = others.filter((e) => Number.isFinite(e.timings.receiving)).map((e) => e.timings.receiving - e.timings.start);
  log(`  ${joined.length + 1}/${endpoints.length} endpoints joined and show the chair, ${round(joinAllSeconds)} s after the first began`);
  const placed = cluster ? endpoints.filter((endpoint) => endpoint.node && LEVELS[nodeIndex(endpoint)]!.key === level(endpoint)).length : endpoints.filter((e) => e.node).length;

  // Operator consoles show a page of thumbnails (the next endpoints by index: other levels too);
  // every n-th endpoint of each level is one, so that every level has its consoles.
  const stride = Math.max(1, Math.round(1 / thumbsShare));
  const consoles = LEVELS.flatMap((l) => others.filter((e) => level(e) === l.key).filter((_, index) => index % stride === 0));
  const views = new Map<SyntheticEndpoint, SyntheticEndpoint[]>();
  await Promise.all(
    consoles.map((endpoint) => {
      const start = endpoints.indexOf(endpoint);
      const page = Array.from({ length: pageSize }, (_, k) => endpoints[(start + 1 + k) % endpoints.length]!).filter((e) => e !== endpoint);
      views.set(endpoint, page);
      return endpoint.setView(page.map((e) => e.peerId)).catch(() => undefined);
    }),
  );

  const holder = others.find((e) => level(e) === 'district1')!;
  await chair.request('floor:grant', { userId: holder.userId, speakingTimeSec: null });
  await sleep(3_000);

  const linkState = async (): Promise<LinkResult[]> => {
    if (!cluster) return [];
    const perNode = await Promise.all(links.map((link) => link.request('room:links', { roomId: meetingId }).then((r) => r.links).catch(() => [] as LinkSummary[])));
    const count = (tracks: LinkSummary['sent'], kind: 'audio' | 'video') => new Set(tracks.filter((t) => t.kind === kind).map((t) => t.producerId)).size;
    return [1, 2].map((far) => {
      const farEnds = perNode[far]!;
      const linkIds = new Set(farEnds.map((l) => l.linkId));
      const homeEnds = perNode[0]!.filter((l) => linkIds.has(l.linkId));
      const down = homeEnds.flatMap((l) => l.sent);
      const up = farEnds.flatMap((l) => l.sent);
      const onFar = (e: SyntheticEndpoint) => nodeIndex(e) === far;
      const watchedDown = new Set<SyntheticEndpoint>();
      const watchedUp = new Set<SyntheticEndpoint>();
      for (const [viewer, page] of views) for (const shown of page) {
        if (onFar(viewer) && !onFar(shown)) watchedDown.add(shown);
        if (!onFar(viewer) && onFar(shown)) watchedUp.add(shown);
      }
      return {
        farNode: LEVELS[far]!.nodeId,
        endpointsBeyond: endpoints.filter(onFar).length,
        down: { video: count(down, 'video'), audio: count(down, 'audio') },
        up: { video: count(up, 'video'), audio: count(up, 'audio') },
        thumbnailsWatchedDown: watchedDown.size,
        thumbnailsWatchedUp: watchedUp.size,
      };
    });
  };
  // The links follow the views and the floor through signaling's cascade: wait (at most 30 s) until
  // each carries at least the cameras watched across it, and say how long that took.
  const linksStart = performance.now();
  let linksSteady = await linkState();
  while (linksSteady.some((l) => l.down.video < l.thumbnailsWatchedDown || l.up.video < l.thumbnailsWatchedUp) && performance.now() - linksStart < 30_000) {
    await sleep(500);
    linksSteady = await linkState();
  }
  const linksSettledSeconds = cluster ? round((performance.now() - linksStart) / 1000 + 3) : 0;
  if (cluster) log(`  links carry the watched cameras ${linksSettledSeconds} s after the holder's grant (views set before it)`);

  log(`  measuring ${windowSeconds} s of steady state`);
  const meters = {
    workers: workerPids.map((pid) => new CpuMeter(() => [pid])),
    nodes: sfus.map((sfu) => new CpuMeter(() => [sfu.process.pid!])),
    signaling: new CpuMeter(() => [signaling.process.pid!]),
    bench: new CpuMeter(() => [process.pid]),
  };
  const allMeters = [...meters.workers, ...meters.nodes, meters.signaling, meters.bench];
  allMeters.forEach((meter) => meter.start());
  const sinkBefore = endpoints.reduce((sum, e) => sum + e.sink.packets, 0);
  const udpBefore = udpReceiveBufferErrors();
  const socketDropsBefore = udpSocketDrops();
  const snapshotsBefore = endpoints.map((e) => e.sink.snapshot());
  const windowStart = performance.now();
  await sleep(windowSeconds * 1000);
  const elapsed = (performance.now() - windowStart) / 1000;
  const workerCpu = meters.workers.map((m) => round(m.stop()));
  const nodeCpu = meters.nodes.map((m) => round(m.stop()));
  const signalingCpu = round(meters.signaling.stop());
  const benchCpu = round(meters.bench.stop());
  const sinkAfter = endpoints.reduce((sum, e) => sum + e.sink.packets, 0);
  const udpDrops = Math.round((udpReceiveBufferErrors() - udpBefore) / elapsed);
  // Which sockets dropped (/proc/net/udp, by local port): the nodes' ports are 20000+2000*i..
  const droppingSockets = [...udpSocketDrops()]
    .map(([socket, drops]) => ({ socket, dropsPerSecond: Math.round((drops - (socketDropsBefore.get(socket) ?? 0)) / elapsed) }))
    .filter((entry) => entry.dropsPerSecond > 0)
    .sort((a, b) => b.dropsPerSecond - a.dropsPerSecond);
  log(`  UDP sockets dropping for a full buffer: ${droppingSockets.length}; the most: ${droppingSockets.slice(0, 8).map((e) => `${e.socket} ${e.dropsPerSecond}/s`).join(', ') || 'none'}`);
  const snapshotsAfter = endpoints.map((e) => e.sink.snapshot());
  const windows = endpoints.map((_, index) => lossBetween(snapshotsBefore[index]!, snapshotsAfter[index]!));
  // Apart: the main screen's picture (the feed) and everything else (thumbnails, voices).
  const only = (snapshot: Map<number, { received: number; highest: number }>, keep: (ssrc: number) => boolean) => new Map([...snapshot].filter(([ssrc]) => keep(ssrc)));
  const lossOfStreams = (isFeed: boolean) => {
    const sum = endpoints
      .map((e, i) => {
        const keep = (ssrc: number) => (ssrc === e.feedSsrc()) === isFeed;
        return lossBetween(only(snapshotsBefore[i]!, keep), only(snapshotsAfter[i]!, keep));
      })
      .reduce((acc, w) => ({ expected: acc.expected + w.expected, received: acc.received + w.received }), { expected: 0, received: 0 });
    return round(sum.expected > 0 ? (100 * Math.max(0, sum.expected - sum.received)) / sum.expected : 0, 3);
  };
  // Thumbnails apart by the level of the camera's publisher and of the receiver: which path loses.
  const thumbnailLoss: Record<string, number> = {};
  for (const from of LEVELS) {
    for (const at of LEVELS) {
      const sum = endpoints
        .map((e, i) => {
          if (level(e) !== at.key) return { expected: 0, received: 0 };
          const ssrcs = new Set(endpoints.filter((p) => level(p) === from.key).flatMap((p) => { const c = e.consumerOf(p.peerId, 'video'); return c ? [ssrcOf(c)] : []; }));
          const keep = (ssrc: number) => ssrcs.has(ssrc);
          return lossBetween(only(snapshotsBefore[i]!, keep), only(snapshotsAfter[i]!, keep));
        })
        .reduce((acc, w) => ({ expected: acc.expected + w.expected, received: acc.received + w.received }), { expected: 0, received: 0 });
      thumbnailLoss[`${from.key}→${at.key}`] = round(sum.expected > 0 ? (100 * Math.max(0, sum.expected - sum.received)) / sum.expected : 0, 2);
    }
  }
  log(`  thumbnail loss % by publisher → receiver level: ${Object.entries(thumbnailLoss).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const lossPercentFeed = lossOfStreams(true);
  const lossPercentOthers = lossOfStreams(false);
  const lossOf = (selected: number[]) => {
    const sum = selected.reduce((acc, i) => ({ expected: acc.expected + windows[i]!.expected, received: acc.received + windows[i]!.received }), { expected: 0, received: 0 });
    return round(sum.expected > 0 ? (100 * Math.max(0, sum.expected - sum.received)) / sum.expected : 0, 3);
  };
  const lossPercent = lossOf(endpoints.map((_, i) => i));
  const lossPercentByLevel = Object.fromEntries(LEVELS.map((l) => [l.key, lossOf(endpoints.flatMap((e, i) => (level(e) === l.key ? [i] : [])))])) as Record<LevelKey, number>;

  // Grants: speakers from the province, district 1 and district 2 in turn.
  const times: Record<string, Record<LevelKey, number[]>> = {};
  const missed: Record<string, Record<LevelKey, number>> = {};
  const grants: PhaseResult['grants'] = [];
  const used = new Set<SyntheticEndpoint>([holder]);
  for (let grant = 0; grant < Number(args.grants); grant++) {
    const speakerLevel = LEVELS[grant % 3]!.key;
    const speaker = others.find((e) => e.node && !used.has(e) && level(e) === speakerLevel);
    if (!speaker) continue;
    used.add(speaker);
    times[speakerLevel] ??= { province: [], district1: [], district2: [] };
    missed[speakerLevel] ??= { province: 0, district1: 0, district2: 0 };
    try {
      const askedAt = performance.now();
      await speaker.request('floor:request', { kind: 'speak', agendaItemId: null });
      const askedMs = performance.now() - askedAt;
      if (askedMs > 1_000) log(`  (the speaker's floor request took ${Math.round(askedMs)} ms)`);
      await sleep(Number(args['ask-lead']) * 1000);
      const receivers = endpoints.filter((e) => e !== speaker && e.node);
      const t0 = performance.now();
      await chair.request('floor:grant', { userId: speaker.userId, speakingTimeSec: null });
      const grantAnsweredMs = performance.now() - t0;
      const switched = new Map<SyntheticEndpoint, number>();
      const until = performance.now() + 8_000;
      while (switched.size < receivers.length && performance.now() < until) {
        for (const receiver of receivers) {
          if (switched.has(receiver)) continue;
          const at = mainScreenCarries(receiver, speaker.userId, speaker.peerId, t0);
          if (at !== undefined) switched.set(receiver, at - t0);
        }
        await sleep(20);
      }
      for (const receiver of receivers) {
        const at = switched.get(receiver);
        if (at === undefined) missed[speakerLevel]![level(receiver)]++;
        else times[speakerLevel]![level(receiver)].push(at);
      }
      const values = [...switched.values()];
      grants.push({ speakerLevel, switched: switched.size, receivers: receivers.length, p50: round(percentile(values, 50)), p95: round(percentile(values, 95)), grantAnsweredMs: round(grantAnsweredMs) });
      const perLevel = LEVELS.map((l) => {
        const v = receivers.filter((r) => level(r) === l.key && switched.has(r)).map((r) => switched.get(r)!);
        return `${l.key} ${Math.round(percentile(v, 50))}/${Math.round(percentile(v, 95))}`;
      });
      log(`  grant ${grant + 1} to a ${speakerLevel} speaker: ${switched.size}/${receivers.length} switched; p50/p95 ms at ${perLevel.join(', ')} (the grant answered in ${Math.round(grantAnsweredMs)} ms)`);
    } catch (error) {
      log(`  grant ${grant + 1} failed: ${String(error).slice(0, 120)}`);
    }
    await sleep(1_000);
  }
  const linksAfterGrants = await linkState();

  const switchMsBySpeaker = Object.fromEntries(
    Object.entries(times).map(([speaker, byLevel]) => [speaker, Object.fromEntries(LEVELS.map((l) => [l.key, summary(byLevel[l.key], missed[speaker]![l.key])])) as Record<LevelKey, SwitchSummary>]),
  );
  const switchMs = Object.fromEntries(
    LEVELS.map((l) => [
      l.key,
      summary(
        Object.values(times).flatMap((byLevel) => byLevel[l.key]),
        Object.values(missed).reduce((sum, byLevel) => sum + byLevel[l.key], 0),
      ),
    ]),
  ) as Record<LevelKey, SwitchSummary>;

  const result: PhaseResult = {
    phase,
    joinedEndpoints: joined.length + 1,
    joinAllSeconds: round(joinAllSeconds),
    joinLatencyMs: { p50: round(percentile(joinLatencies, 50)), p95: round(percentile(joinLatencies, 95)), max: round(Math.max(...joinLatencies)) },
    placedOnOwnLevel: `${placed}/${endpoints.length}`,
    nodes: sfus.map((_, index) => ({
      nodeId: cluster ? LEVELS[index]!.nodeId : 'sfu',
      level: LEVELS[index]!.key,
      peers: endpoints.filter((e) => nodeIndex(e) === index).length,
      workerCpuPercent: workerCpu[index]!,
      nodeCpuPercent: nodeCpu[index]!,
    })),
    signalingCpuPercent: signalingCpu,
    benchCpuPercent: benchCpu,
    packetsReceivedBySinksPerSecond: Math.round((sinkAfter - sinkBefore) / elapsed),
    lossPercent,
    lossPercentByLevel,
    lossPercentFeed,
    udpReceiveBufferDropsPerSecond: udpDrops,
    droppingSockets: droppingSockets.slice(0, 20),
    thumbnailLossByPath: thumbnailLoss,
    lossPercentOthers,
    linksSettledSeconds,
    linksSteady,
    linksAfterGrants,
    switchMs,
    switchMsBySpeaker,
    grants,
  };
  await runCleanups(phaseCleanups);
  return result;
}

/** The kernel's count of UDP datagrams dropped for a full receive buffer (all sockets of the machine). */
function udpReceiveBufferErrors(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((line) => line.startsWith('Udp:'));
  const names = lines[0]!.split(/\s+/);
  return Number(lines[1]!.split(/\s+/)[names.indexOf('RcvbufErrors')]);
}

/** Drops so far per UDP socket of the machine, keyed by `port:inode` (from /proc/net/udp's last column). */
function udpSocketDrops(): Map<string, number> {
  const drops = new Map<string, number>();
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 13) continue;
    const port = parseInt(fields[1]!.split(':')[1]!, 16);
    drops.set(`${port}:${fields[9]}`, Number(fields.at(-1)));
  }
  return drops;
}

function formatSwitch(s: SwitchSummary | undefined): string {
  if (!s || s.samples + s.missed === 0) return '–';
  return `${s.p50} / ${s.p95} / ${s.max} (n=${s.samples}, missed ${s.missed})`;
}

function formatLinks(links: LinkResult[]): string[] {
  if (links.length === 0) return ['(no links: one node)'];
  return links.map(
    (l) =>
      `province ↔ ${l.farNode} (${l.endpointsBeyond} endpoints there): down ${l.down.video} video + ${l.down.audio} audio, up ${l.up.video} video + ${l.up.audio} audio` +
      ` (thumbnails watched across: ${l.thumbnailsWatchedDown} down, ${l.thumbnailsWatchedUp} up)`,
  );
}

function printResults(results: PhaseResult[]): void {
  const rows: [string, (r: PhaseResult) => string | number][] = [
    ['endpoints joined', (r) => `${r.joinedEndpoints}/${endpointsCount}`],
    ['on their level\'s node', (r) => r.placedOnOwnLevel],
    ['time for all to join (s)', (r) => r.joinAllSeconds],
    ['join → main screen p50/p95 (ms)', (r) => `${r.joinLatencyMs.p50} / ${r.joinLatencyMs.p95}`],
    ...LEVELS.map(
      (_, i) =>
        [`SFU ${LEVELS[i]!.key}: peers, worker + node CPU (%)`, (r: PhaseResult) => (r.nodes[i] ? `${r.nodes[i]!.peers}, ${r.nodes[i]!.workerCpuPercent} + ${r.nodes[i]!.nodeCpuPercent}` : '–')] as [string, (r: PhaseResult) => string],
    ),
    ['all SFU processes CPU (%)', (r) => round(r.nodes.reduce((sum, n) => sum + n.workerCpuPercent + n.nodeCpuPercent, 0))],
    ['signaling / bench CPU (%)', (r) => `${r.signalingCpuPercent} / ${r.benchCpuPercent}`],
    ['packets/s at receivers', (r) => r.packetsReceivedBySinksPerSecond],
    ['loss at receivers (%)', (r) => r.lossPercent],
    ['  at province / district1 / district2', (r) => LEVELS.map((l) => r.lossPercentByLevel[l.key]).join(' / ')],
    ['UDP receive-buffer drops/s (whole machine)', (r) => r.udpReceiveBufferDropsPerSecond],
    ['  main-screen picture / other streams', (r) => `${r.lossPercentFeed} / ${r.lossPercentOthers}`],
    ['links carry the watched cameras after (s)', (r) => (r.phase.nodes > 1 ? r.linksSettledSeconds : '–')],
    ['grant → main screen p50/p95/max (ms):', () => ''],
    ...LEVELS.map((l) => [`  receivers at ${l.key}`, (r: PhaseResult) => formatSwitch(r.switchMs[l.key])] as [string, (r: PhaseResult) => string]),
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  console.log('');
  console.log(`${''.padEnd(width)}${results.map((r) => r.phase.key.padEnd(44)).join('')}`);
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}${results.map((r) => String(value(r)).padEnd(44)).join('')}`);
  for (const r of results) {
    if (r.linksSteady.length === 0) continue;
    console.log(`\nstreams crossing each link (${r.phase.key}), steady state (holder of district 1 + thumbnails):`);
    for (const line of formatLinks(r.linksSteady)) console.log(`  ${line}`);
    console.log(`after the ${r.grants.length} grants:`);
    for (const line of formatLinks(r.linksAfterGrants)) console.log(`  ${line}`);
    console.log(`grant → main screen by speaker level (p50 / p95 / max at each receiver level):`);
    for (const [speaker, byLevel] of Object.entries(r.switchMsBySpeaker)) console.log(`  ${speaker} speaker: ${LEVELS.map((l) => `${l.key} ${formatSwitch(byLevel[l.key])}`).join('; ')}`);
  }
}

async function main(): Promise<void> {
  log(`load average at start: ${loadavg().map((v) => round(v, 2)).join(' ')} (2 cores)`);
  const cache = `${repoRoot}bench/.cache`;
  const clip = await ensureClip(cache);
  const redis = await startRedis({ ownSession: true });
  cleanups.push(() => redis.stop());
  const replayer = new ThreadedReplayer(await captureClip(clip, await ensureClip(cache, LOW_CLIP)));
  cleanups.push(() => replayer.close());
  const results: PhaseResult[] = [];
  for (const phase of phases) results.push(await runPhase(phase, redis, replayer, clip));
  printResults(results);
  const loadAverage = loadavg();
  log(`load average at the end: ${loadAverage.map((v) => round(v, 2)).join(' ')}`);
  mkdirSync(`${repoRoot}bench/results`, { recursive: true });
  const file = `${repoRoot}bench/results/cascade-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify({ args, loadAverage, results }, null, 2));
  log(`results written to ${file}`);
}

main()
  .catch((error: unknown) => {
    console.error('[bench] failed:', error);
    process.exitCode = 1;
  })
  .finally(async () => {
    clearTimeout(deadline);
    await runCleanups(cleanups);
  });
