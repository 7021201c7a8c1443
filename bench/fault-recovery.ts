/**
 * Time from a fault to media back at every receiver, in a meeting in progress (the fault suite's:
 * faults/src/meeting-scenario.ts), with one and with two signaling nodes; p50 and p95 over
 * `--runs` runs of each fault. Not asserted anywhere: the fault suite (faults/test) checks that
 * media comes back at all; this says how fast.
 *
 *   npx tsx bench/fault-recovery.ts [--runs 5] [--nodes 1,2] [--faults workerKilled,sfuRestarted,...]
 *
 * With two nodes the floor holder and the hall TV use the second one, which is the one restarted
 * (`signalingRestarted`) or killed for good (`nodeLost`: they move to the first, as a load
 * balancer would send them; it is started again, untimed, before the next run).
 *
 * With `--sfu-nodes 2` (in the same run, after the rest): two SFU nodes announcing themselves in
 * Redis, each with signaling on a simulated host of its own where the machine allows it; the SFU
 * node carrying the meeting is killed and the meeting moves to the other (`sfuNodeLost`; the
 * killed node is started again, untimed, and carries the meeting at the next run's kill). Its
 * baseline: `sfuRestarted` on one SFU, above.
 */
import { parseArgs } from 'node:util';
import {
  attendanceWithoutGhosts,
  eventually,
  expectMedia,
  FAULTS,
  growingStreams,
  settledAttendance,
  startFaultStack,
  startMeeting,
  waitForMediaBack,
  type Fault,
  type FaultStack,
  type MeetingInProgress,
} from '@ehop/faults';
import { canSimulateHosts, killProcess } from '@ehop/testkit';
import { MEETING_ID, SfuProbe } from '@ehop/faults';
import { percentile, round } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    nodes: { type: 'string', default: '1,2' },
    faults: { type: 'string', default: 'workerKilled,sfuRestarted,signalingRestarted,redisRestarted,redisKilled,nodeLost' },
    'sfu-nodes': { type: 'string', default: '1' },
  },
});
const SFU_NODES = Number(values['sfu-nodes']);
const RUNS = Number(values.runs);
const NODE_COUNTS = values.nodes.split(',').map(Number);
const FAULT_NAMES = values.faults.split(',');
const MEDIA_BACK_MS = 60_000;

/** With two nodes, the second node's clients: the ones a signaling fault hits. */
const ON_SECOND_NODE = ['holder', 'hall'] as const;

/** The second node is lost for good: its clients carry on through the first. */
const nodeLost: Fault & { restore(stack: FaultStack, meeting: MeetingInProgress): Promise<void> } = {
  name: 'one of two signaling nodes killed (clients move to the other)',
  forcesRejoin: true,
  async inject(stack) {
    await killProcess(stack.nodes[1]!.process);
  },
  async restore(stack, meeting) {
    await stack.nodes[1]!.restart('SIGKILL');
    await Promise.all(ON_SECOND_NODE.map((who) => meeting[who].moveTo(stack.nodes[1]!.url)));
  },
};

/** A signaling restart hits the node the moved clients use: the second one when there are two. */
function faultFor(name: string, nodes: number): Fault | null {
  if (name === 'nodeLost') return nodes > 1 ? nodeLost : null;
  if (name === 'signalingRestarted' && nodes > 1) {
    return { ...FAULTS.signalingRestarted, name: 'a signaling node killed and restarted', inject: (stack) => stack.nodes[1]!.restart('SIGKILL') };
  }
  return (FAULTS as Record<string, Fault>)[name] ?? null;
}

async function runFault(stack: FaultStack, meeting: MeetingInProgress, fault: Fault, streams: Map<string, string[]>, nodes: number): Promise<number> {
  // Who loses their media session: everyone, except for a signaling fault with two nodes (only the second node's clients).
  const hit = new Set(nodes > 1 && fault !== FAULTS.workerKilled && fault !== FAULTS.sfuRestarted ? ON_SECOND_NODE.map((who) => meeting[who]) : meeting.inMedia);
  const expectations = meeting.inMedia.map((endpoint) => expectMedia(endpoint, streams.get(endpoint.userId)!, fault.forcesRejoin && hit.has(endpoint)));
  const since = performance.now();
  await fault.inject(stack);
  if (fault === nodeLost) await Promise.all(ON_SECOND_NODE.map((who) => meeting[who].moveTo(stack.nodes[0]!.url)));
  const backAfterMs = await waitForMediaBack(expectations, since, MEDIA_BACK_MS);
  // Settle before the next run: no ghost left anywhere.
  const attendance = await settledAttendance(stack, meeting.inMedia, 30_000);
  if (JSON.stringify(attendance) !== JSON.stringify(attendanceWithoutGhosts(meeting.inMedia))) console.warn('  ghosts left:', JSON.stringify(attendance));
  if (fault === nodeLost) await nodeLost.restore(stack, meeting);
  return backAfterMs;
}

interface Row {
  nodes: number;
  fault: string;
  samples: number[];
  /** Runs where media was not back within MEDIA_BACK_MS. */
  failures: number;
}

const rows: Row[] = [];
for (const nodes of NODE_COUNTS) {
  const stack = await startFaultStack({ signalingNodes: nodes });
  const meeting = await startMeeting(stack, nodes > 1 ? { holder: 1, hall: 1 } : {});
  try {
    const streams = new Map<string, string[]>();
    await eventually(async () => {
      for (const endpoint of meeting.inMedia) streams.set(endpoint.userId, await growingStreams(endpoint));
      if ((streams.get(meeting.hall.userId)?.length ?? 0) < 4) throw new Error('media not flowing yet');
    }, 30_000);
    for (const name of FAULT_NAMES) {
      const fault = faultFor(name, nodes);
      if (!fault) continue;
      const row: Row = { nodes, fault: fault.name, samples: [], failures: 0 };
      rows.push(row);
      for (let run = 0; run < RUNS; run++) {
        try {
          const ms = await runFault(stack, meeting, fault, streams, nodes);
          row.samples.push(ms);
          console.log(`${nodes} node(s), ${fault.name}, run ${run + 1}: media back at every receiver after ${Math.round(ms)} ms`);
        } catch (error) {
          row.failures++;
          console.warn(`${nodes} node(s), ${fault.name}, run ${run + 1}: ${(error as Error).message}`);
          if (fault === nodeLost) await nodeLost.restore(stack, meeting).catch(() => undefined);
        }
      }
    }
  } finally {
    meeting.close();
    await stack.stop();
  }
}

if (SFU_NODES > 1) rows.push(await sfuNodeLostRuns());

/** The SFU node carrying the meeting killed, RUNS times; the meeting moves to a live node each time. */
async function sfuNodeLostRuns(): Promise<Row> {
  const sfuNodes = Array.from({ length: SFU_NODES }, (_, index) => ({ id: `sfu-${index + 1}`, unitId: null }));
  const separateHosts = await canSimulateHosts();
  const stack = await startFaultStack({ sfuNodes, separateHosts });
  const meeting = await startMeeting(stack);
  const probes = await Promise.all(stack.sfus.map((sfu) => SfuProbe.connect(sfu.url, sfu.secret)));
  const row: Row = { nodes: 1, fault: `the SFU node of ${SFU_NODES} carrying the meeting killed${separateHosts ? ' (hosts)' : ''}`, samples: [], failures: 0 };
  try {
    const streams = new Map<string, string[]>();
    await eventually(async () => {
      for (const endpoint of meeting.inMedia) streams.set(endpoint.userId, await growingStreams(endpoint));
      if ((streams.get(meeting.hall.userId)?.length ?? 0) < 4) throw new Error('media not flowing yet');
    }, 30_000);
    for (let run = 0; run < RUNS; run++) {
      const counts = await Promise.all(probes.map((probe) => probe.peerCount(MEETING_ID)));
      const carrying = counts.indexOf(Math.max(...counts));
      const expectations = meeting.inMedia.map((endpoint) => expectMedia(endpoint, streams.get(endpoint.userId)!, true));
      const since = performance.now();
      await killProcess(stack.sfus[carrying]!.process);
      try {
        const ms = await waitForMediaBack(expectations, since, MEDIA_BACK_MS);
        row.samples.push(ms);
        console.log(`SFU node ${carrying + 1} of ${SFU_NODES} killed, run ${run + 1}: media back at every receiver after ${Math.round(ms)} ms`);
      } catch (error) {
        row.failures++;
        console.warn(`SFU node killed, run ${run + 1}: ${(error as Error).message}`);
      }
      await stack.sfus[carrying]!.restart('SIGKILL');
      // Settled: one peer per person, all on the node the meeting moved to (the other is empty).
      await eventually(async () => {
        const peers = await Promise.all(probes.map((probe) => probe.peerCount(MEETING_ID)));
        if (Math.max(...peers) !== meeting.inMedia.length || peers.filter((count) => count > 0).length !== 1) throw new Error(`peers ${peers.join('/')}`);
      }, 30_000).catch((error: unknown) => console.warn('  not settled:', (error as Error).message));
    }
  } finally {
    meeting.close();
    for (const probe of probes) probe.close();
    await stack.stop();
  }
  return row;
}

console.log(`\nfault -> media back at every receiver (4 receivers, ${RUNS} runs each), ms`);
console.log(`${'nodes'.padEnd(6)} ${'fault'.padEnd(62)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'max'.padStart(7)} ${'not back'.padStart(9)}`);
for (const { nodes, fault, samples, failures } of rows) {
  const cell = (value: number) => String(round(value, 0)).padStart(7);
  console.log(`${String(nodes).padEnd(6)} ${fault.padEnd(62)} ${cell(percentile(samples, 50))} ${cell(percentile(samples, 95))} ${cell(Math.max(...samples))} ${String(failures).padStart(9)}`);
}
process.exit(0);
