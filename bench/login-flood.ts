/**
 * Document serving during a sign-in flood. A member downloads a meeting's PDF again and again
 * (one at a time) while robots send wrong passwords from many addresses; reports p50/p95/p99 of
 * the download, and what the flood got (401: password checked, 429: refused without hashing).
 *
 *   1. quiet: no flood (the baseline);
 *   2. flood, limits off (what main did before issue 12: no lockout, argon2 on every libuv thread);
 *   3. flood, default limits (lockout per account and address, hashes bounded).
 *
 * Each case runs its own signaling process (built) on a fresh Redis; the bench and its robots run
 * in this process, on 127.0.0.1 (the robots bind 127.0.2.x, each address its own client).
 *
 *   npm run build && npx tsx bench/login-flood.ts [--downloads 200] [--robots 200] [--concurrency 24]
 */
import { request as httpRequest, Agent } from 'node:http';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { login, startBenchStack, uploadPdf } from './lib/documents-stack.js';
import { reportPdf } from './lib/pdf-fixtures.js';
import { formatRow, summarize, TABLE_HEADER, type Summary } from './lib/latency-table.js';

const { values: args } = parseArgs({
  options: {
    downloads: { type: 'string', default: '200' },
    robots: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '24' },
  },
});
const DOWNLOADS = Number(args.downloads);
const ROBOT_ADDRESSES = Number(args.robots);
const CONCURRENCY = Number(args.concurrency);
const MEETING_ID = 'demo-ubnd-tinh';
const DEMO_PASSWORD = 'ehop-demo-2026';

/** What main did: no limit on failures, every hash at once (libuv's 4 threads). */
const LIMITS_OFF = {
  LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000000000',
  LOGIN_MAX_FAILURES_PER_ADDRESS: '1000000000',
  PASSWORD_HASHES_AT_ONCE: '16',
  PASSWORD_HASHES_QUEUED: '1000000000',
};

interface CaseResult {
  name: string;
  downloads: Summary;
  flood: { answered: number; checked: number; refused: number; perSecond: number } | null;
}

async function main(): Promise<void> {
  console.log(`login-flood bench: ${DOWNLOADS} downloads; flood from ${ROBOT_ADDRESSES} addresses, ${CONCURRENCY} guesses in flight; load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  const results = [
    await runCase('quiet (no flood)', {}, false),
    await runCase('flood, limits off (before issue 12)', LIMITS_OFF, true),
    await runCase('flood, default limits', {}, true),
  ];
  console.log(`\n${TABLE_HEADER}`);
  for (const result of results) console.log(formatRow(`download: ${result.name}`, result.downloads));
  console.log('');
  for (const { name, flood } of results) {
    if (!flood) continue;
    console.log(`${name}: ${flood.answered} guesses answered (${flood.perSecond.toFixed(1)}/s), ${flood.checked} checked (401), ${flood.refused} refused unchecked (429)`);
  }
}

async function runCase(name: string, env: Record<string, string>, flooded: boolean): Promise<CaseResult> {
  const stack = await startBenchStack(env);
  try {
    const url = stack.nodes[0]!.url;
    const cookie = await login(url, 'chutri', DEMO_PASSWORD);
    const document = await uploadPdf(url, cookie, MEETING_ID, await reportPdf(20), 'bao-cao.pdf');
    const downloadUrl = `${url}/api/meetings/${MEETING_ID}/documents/${document.id}/download`;
    for (let i = 0; i < 10; i++) await download(downloadUrl, cookie); // warm up
    const flood = flooded ? startFlood(url) : null;
    if (flood) await new Promise((resolve) => setTimeout(resolve, 1_000)); // let it build up
    const times: number[] = [];
    for (let i = 0; i < DOWNLOADS; i++) times.push(await download(downloadUrl, cookie));
    const floodResult = flood ? await flood.stop() : null;
    return { name, downloads: summarize(times), flood: floodResult };
  } finally {
    await stack.stop();
  }
}

async function download(url: string, cookie: string): Promise<number> {
  const startedAt = performance.now();
  const response = await fetch(url, { headers: { cookie } });
  const body = await response.arrayBuffer();
  if (response.status !== 200 || body.byteLength === 0) throw new Error(`download failed: ${response.status}`);
  return performance.now() - startedAt;
}

/** `CONCURRENCY` robots, each sending wrong passwords one after another from rotating addresses. */
function startFlood(url: string) {
  const { hostname, port } = new URL(url);
  const agents = Array.from({ length: ROBOT_ADDRESSES }, (_, index) => new Agent({ keepAlive: true, localAddress: `127.0.2.${(index % 250) + 1}` }));
  const counts = { answered: 0, checked: 0, refused: 0 };
  const startedAt = performance.now();
  let running = true;
  let guess = 0;
  const robot = async () => {
    while (running) {
      const index = guess++;
      const status = await guessOnce(hostname, port, agents[index % agents.length]!, `robot-${index % 997}`);
      counts.answered++;
      if (status === 401) counts.checked++;
      else if (status === 429) counts.refused++;
    }
  };
  const robots = Array.from({ length: CONCURRENCY }, robot);
  return {
    async stop() {
      running = false;
      await Promise.all(robots);
      const seconds = (performance.now() - startedAt) / 1000;
      for (const agent of agents) agent.destroy();
      return { ...counts, perSecond: counts.answered / seconds };
    },
  };
}

function guessOnce(host: string, port: string, agent: Agent, username: string): Promise<number> {
  const body = JSON.stringify({ username, password: 'doan-mo' });
  return new Promise((resolve) => {
    const req = httpRequest(
      { host, port, agent, method: 'POST', path: '/api/auth/login', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

await main();
process.exit(0);
