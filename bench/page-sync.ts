/**
 * Page-sync latency: the chair turns pages, N connected socket.io clients (each a signed-in
 * member following the meeting's documents) receive every turn. Reports p50/p95/p99 of
 * "chair emits presentation:update" -> "a follower receives presentation:changed", for:
 *   - baseline: a bare socket.io broadcast server (no auth, validation or Redis), same clients;
 *   - one signaling node;
 *   - 2 .. `--nodes` signaling nodes sharing the Redis adapter, followers split evenly across them.
 * Everything runs on 127.0.0.1; chair and followers live in this process, so one clock times both.
 *
 *   npm run build && npx tsx bench/page-sync.ts [--clients 120] [--turns 60] [--interval 150] [--nodes 2]
 *   npx tsx bench/page-sync.ts --clients 1000 --nodes 3      # issue 17: 1,000 followers over 3 nodes
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { hashPassword } from '../signaling/dist/accounts/password.js';
import { UserRepository } from '../signaling/dist/accounts/user-repository.js';
import { MeetingRepository } from '../signaling/dist/meetings/meeting-repository.js';
import { DEMO_UNITS } from '../signaling/dist/seed/demo-seed.js';
import { login, repoRoot, startBenchStack, uploadPdf, type BenchStack } from './lib/documents-stack.js';
import { reportPdf } from './lib/pdf-fixtures.js';
import { formatRow, summarize, TABLE_HEADER, type Summary } from './lib/latency-table.js';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '120' },
    turns: { type: 'string', default: '60' },
    interval: { type: 'string', default: '150' },
    nodes: { type: 'string', default: '2' },
  },
});
const NODES = Math.max(1, Number(args.nodes));
const CLIENTS = Number(args.clients);
const TURNS = Number(args.turns);
const INTERVAL_MS = Number(args.interval);
const MEETING_ID = 'bench-page-sync';
const PASSWORD = 'bench-password-2026';

type Turn = (page: number) => Promise<void>;

async function main(): Promise<void> {
  console.log(`page-sync bench: ${CLIENTS} followers, ${TURNS} page turns ${INTERVAL_MS} ms apart, 1..${NODES} signaling nodes, on 127.0.0.1; load average ${loadLine()}`);
  const results: [string, Summary][] = [];

  results.push(['baseline: bare socket.io broadcast (1 process)', await measureBaseline()]);

  const stack = await startBenchStack();
  try {
    await createMembers(stack);
    const nodeA = stack.nodes[0]!.url;
    const chairCookie = await login(nodeA, 'bench-chair', PASSWORD);
    const document = await uploadPdf(nodeA, chairCookie, MEETING_ID, await reportPdf(TURNS + 2), 'bench.pdf');
    const cookies = await loginAll(nodeA);

    const nodes = [nodeA];
    results.push(['eHọp signaling, 1 node', await measureSignaling(nodes, chairCookie, cookies, document.id)]);
    while (nodes.length < NODES) {
      nodes.push((await stack.addNode()).url);
      console.log(`  load average before ${nodes.length} nodes: ${loadLine()}`);
      results.push([`eHọp signaling, ${nodes.length} nodes + Redis adapter`, await measureSignaling(nodes, chairCookie, cookies, document.id)]);
    }
  } finally {
    await stack.stop();
  }

  console.log(`\n${TABLE_HEADER}`);
  for (const [name, summary] of results) console.log(formatRow(name, summary));
  const [, one] = results[1]!;
  const [lastName, last] = results[results.length - 1]!;
  console.log(`\nload average at the end: ${loadLine()} (2 cores; the machine may be shared)`);
  console.log(`goal p99 < 100 ms: 1 node ${one.p99 < 100 ? 'met' : 'NOT met'} (${one.p99.toFixed(1)} ms); ` +
    `${lastName}: ${last.p99 < 100 ? 'met' : 'NOT met'} (${last.p99.toFixed(1)} ms); baseline p99 ${results[0]![1].p99.toFixed(1)} ms`);
}

/** A bench meeting with a chair and CLIENTS delegates, all with one password hash (hashing is not under test). */
async function createMembers(stack: BenchStack): Promise<void> {
  const users = new UserRepository(stack.redis as never);
  const meetings = new MeetingRepository(stack.redis as never);
  const passwordHash = await hashPassword(PASSWORD);
  const members: { userId: string; role: 'chair' | 'delegate' }[] = [{ userId: 'bench-chair', role: 'chair' }];
  await users.save({ id: 'bench-chair', username: 'bench-chair', displayName: 'Chủ trì bench', unitId: DEMO_UNITS.province.id, isAdmin: false, kind: 'person', passwordHash });
  for (let i = 0; i < CLIENTS; i++) {
    const id = `bench-d${i}`;
    await users.save({ id, username: id, displayName: `Đại biểu ${i}`, unitId: DEMO_UNITS.commune.id, isAdmin: false, kind: 'person', passwordHash });
    members.push({ userId: id, role: 'delegate' });
  }
  await meetings.save({
    id: MEETING_ID,
    title: 'Bench: page sync',
    startsAt: new Date().toISOString(),
    location: 'bench',
    status: 'in_progress',
    members,
  });
}

async function loginAll(url: string): Promise<string[]> {
  const cookies: string[] = [];
  // A few at a time: argon2 verification is deliberately slow.
  for (let i = 0; i < CLIENTS; i += 8) {
    const batch = Array.from({ length: Math.min(8, CLIENTS - i) }, (_, k) => login(url, `bench-d${i + k}`, PASSWORD));
    cookies.push(...(await Promise.all(batch)));
  }
  return cookies;
}

async function measureSignaling(nodes: string[], chairCookie: string, cookies: string[], documentId: string): Promise<Summary> {
  const followers = await Promise.all(cookies.map((cookie, index) => connect(nodes[index % nodes.length]!, cookie)));
  const chair = await connect(nodes[0]!, chairCookie);
  try {
    await Promise.all([...followers, chair].map((socket) => ack(socket, 'documents:subscribe', { meetingId: MEETING_ID })));
    await ack(chair, 'presentation:start', { meetingId: MEETING_ID, documentId, page: 1 });
    await sleep(300);
    return await timeTurns(followers, (page) => ack(chair, 'presentation:update', { meetingId: MEETING_ID, page }).then(() => undefined));
  } finally {
    for (const socket of [...followers, chair]) socket.disconnect();
  }
}

async function measureBaseline(): Promise<Summary> {
  const server = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/raw-broadcast-server.ts'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(server.stdout, 'data')) as [Buffer];
  const url = `http://127.0.0.1:${chunk.toString().trim()}`;
  const followers = await Promise.all(Array.from({ length: CLIENTS }, () => connect(url)));
  const chair = await connect(url);
  try {
    return await timeTurns(followers, (page) =>
      chair.timeout(5000).emitWithAck('turn', { presentation: { page } }).then(() => undefined),
    );
  } finally {
    for (const socket of [...followers, chair]) socket.disconnect();
    server.kill('SIGTERM');
  }
}

/** Turns pages 2..TURNS+1 one at a time; latency = send time of the turn -> arrival at each follower. */
async function timeTurns(followers: Socket[], turn: Turn): Promise<Summary> {
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let received = 0;
  for (const socket of followers) {
    socket.on('presentation:changed', ({ presentation }: { presentation: { page: number } | null }) => {
      const sent = presentation ? sentAt.get(presentation.page) : undefined;
      if (sent === undefined) return;
      latencies.push(performance.now() - sent);
      received++;
    });
  }
  for (let page = 2; page <= TURNS + 1; page++) {
    sentAt.set(page, performance.now());
    await turn(page);
    await sleep(INTERVAL_MS);
  }
  await sleep(500);
  const expected = followers.length * TURNS;
  if (received < expected) console.warn(`  ${expected - received} of ${expected} deliveries missing`);
  return summarize(latencies);
}

function connect(url: string, cookie?: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: cookie ? { cookie } : {} });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function ack(socket: Socket, event: string, payload: unknown): Promise<unknown> {
  const reply = (await socket.timeout(10_000).emitWithAck(event, payload)) as { ok: boolean; error?: { message: string } };
  if (!reply.ok) throw new Error(`${event} refused: ${reply.error?.message}`);
  return reply;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function loadLine(): string {
  return loadavg().map((value) => value.toFixed(2)).join(' ');
}

await main();
