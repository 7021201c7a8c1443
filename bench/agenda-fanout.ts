/**
 * Issue 3 numbers: the chair moves the meeting to an agenda item; how long until each of N
 * participants in the room (real socket.io clients, each a joined peer) has the new agenda.
 * The path measured: request validated, membership and role checked in Redis, compare-and-set
 * in Redis (Lua), broadcast through the Redis adapter, received by every client.
 *
 * Baseline, measured in the same run: the chair's own `agenda:get` round trip (one request, one
 * answer, no write and no fan-out): the floor any agenda update pays.
 *
 *   npx tsx bench/agenda-fanout.ts [--clients 120] [--moves 30]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { percentile, round } from './lib/stats.js';
import { startSystem } from './lib/system.js';

const DEMO_PASSWORD = 'ehop-demo-2026';
const MEETING_ID = 'demo-ubnd-tinh';
/** Two items of the seeded agenda the chair alternates between. */
const ITEMS = ['a-bao-cao-ktxh', 'a-thao-luan'];

const { values: args } = parseArgs({
  options: { clients: { type: 'string', default: '120' }, moves: { type: 'string', default: '30' } },
});
const clientCount = Number(args.clients);
const moveCount = Number(args.moves);

type Ack = { ok: boolean; data?: unknown; error?: { code: string; message: string } };

async function login(baseUrl: string, username: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  const cookie = response.headers.getSetCookie().find((header) => header.startsWith('ehop.sid='));
  if (!response.ok || !cookie) throw new Error(`login of ${username} failed: ${response.status}`);
  return cookie.split(';')[0]!;
}

async function connect(baseUrl: string, cookie: string): Promise<Socket> {
  const socket = io(baseUrl, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

async function send(socket: Socket, event: string, payload: unknown): Promise<unknown> {
  const ack = (await socket.timeout(30_000).emitWithAck(event, payload)) as Ack;
  if (!ack.ok) throw new Error(`${event}: ${ack.error?.code} ${ack.error?.message}`);
  return ack.data;
}

/** A participant in the room, remembering when each agenda version reached it. */
async function participant(baseUrl: string, cookie: string): Promise<{ socket: Socket; receivedAt: Map<number, number> }> {
  const socket = await connect(baseUrl, cookie);
  const receivedAt = new Map<number, number>();
  socket.on('agenda:changed', (agenda: { version: number }) => receivedAt.set(agenda.version, performance.now()));
  await send(socket, 'meeting:join', { meetingId: MEETING_ID });
  return { socket, receivedAt };
}

function summary(label: string, values: number[]): string {
  return `${label.padEnd(44)} p50 ${String(round(percentile(values, 50))).padStart(6)} ms   p99 ${String(round(percentile(values, 99))).padStart(6)} ms   (n=${values.length})`;
}

const system = await startSystem();
const sockets: Socket[] = [];
try {
  const delegateCookie = await login(system.baseUrl, 'daibieu1');
  const chairCookie = await login(system.baseUrl, 'chutri');
  // One account may be in a meeting from several devices: each socket is its own peer.
  const participants = [];
  for (let index = 0; index < clientCount; index++) participants.push(await participant(system.baseUrl, delegateCookie));
  sockets.push(...participants.map((one) => one.socket));
  const chair = await connect(system.baseUrl, chairCookie);
  sockets.push(chair);
  await send(chair, 'meeting:join', { meetingId: MEETING_ID });
  const started = await fetch(`${system.baseUrl}/api/meetings/${MEETING_ID}/status`, {
    method: 'POST',
    headers: { cookie: chairCookie, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'in_progress' }),
  });
  if (!started.ok) throw new Error(`could not start the meeting: ${started.status}`);

  const roundTrips: number[] = [];
  for (let index = 0; index < moveCount; index++) {
    const sentAt = performance.now();
    await send(chair, 'agenda:get', { meetingId: MEETING_ID });
    roundTrips.push(performance.now() - sentAt);
  }

  const acks: number[] = [];
  const deliveries: number[] = [];
  const lastArrivals: number[] = [];
  for (let index = 0; index < moveCount; index++) {
    const sentAt = performance.now();
    const agenda = (await send(chair, 'agenda:setCurrent', { meetingId: MEETING_ID, itemId: ITEMS[index % ITEMS.length] })) as { version: number };
    acks.push(performance.now() - sentAt);
    const deadline = Date.now() + 10_000;
    while (participants.some((one) => !one.receivedAt.has(agenda.version)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const arrivals = participants.map((one) => (one.receivedAt.get(agenda.version) ?? Number.NaN) - sentAt);
    if (arrivals.some(Number.isNaN)) throw new Error(`version ${agenda.version} did not reach every participant in 10 s`);
    deliveries.push(...arrivals);
    lastArrivals.push(Math.max(...arrivals));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  console.log(`agenda fan-out: ${clientCount} participants in the room, ${moveCount} moves, one signaling node; load average ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
  console.log(summary('baseline: agenda:get round trip (chair)', roundTrips));
  console.log(summary('agenda:setCurrent acknowledged (chair)', acks));
  console.log(summary('agenda:changed received, every participant', deliveries));
  console.log(summary('agenda:changed received by the last one', lastArrivals));
  console.log(`fan-out p99 / baseline p99: ${round(percentile(deliveries, 99) / percentile(roundTrips, 99), 1)}x`);
} finally {
  for (const socket of sockets) socket.disconnect();
  await system.stop();
}
