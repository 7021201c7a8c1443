import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Vote } from '@ehop/protocol';
import { buildSignaling, freePort, startRedis, startSignaling, type RedisHandle, type SignalingHandle } from '@ehop/testkit';
import { DEV_BALLOT_SECRET } from '../src/config.js';
import type { RedisClient } from '../src/redis/client.js';
import { DEMO_MEETING_ID, seedDemo } from '../src/seed/demo-seed.js';
import { BallotSealer } from '../src/votes/ballot-seal.js';
import { closeAllSockets, connectSocket, login, request, sendJson } from './support/harness.js';

/*
 * Secret ballots against a real Redis (AOF on, as in production) and real signaling processes:
 * an administrator with all of Redis (its append-only file, MONITOR) must not be able to pair a
 * voter with a choice; an acknowledged ballot survives a signaling crash; fewer than three voters
 * are refused.
 */

const meeting = { meetingId: DEMO_MEETING_ID };
const VOTERS = { 'u-daibieu1': 'daibieu1', 'u-daibieu2': 'daibieu2', 'u-daibieu3': 'daibieu3' } as const;
type VoterId = keyof typeof VOTERS;
const VOTER_IDS = Object.keys(VOTERS) as VoterId[];
const OPTION_IDS = ['agree', 'disagree', 'abstain'];
/** The servers' secret: random here, so nothing in the test can know it by accident. */
const BALLOT_SECRET = randomBytes(32).toString('base64');

let redisServer: RedisHandle;
let redis: RedisClient;
let sfuUrl: string;
const nodes: SignalingHandle[] = [];

beforeAll(async () => {
  // The nodes run the built server: build it here, where a cold build has time.
  await buildSignaling();
  redisServer = await startRedis();
  redis = createClient({ url: redisServer.url });
  await redis.connect();
  await seedDemo(redis);
  // Votes need no media: nothing listens here, and the nodes run without an SFU.
  sfuUrl = `http://127.0.0.1:${await freePort()}`;
}, 180_000);
afterEach(async () => {
  closeAllSockets();
  await Promise.all(nodes.splice(0).map((node) => node.stop()));
});
afterAll(async () => {
  await redis?.quit().catch(() => undefined);
  await redisServer?.stop();
});

function startNode(): Promise<SignalingHandle> {
  return startSignaling({
    redisUrl: redisServer.url,
    sfuUrl,
    sfuSecret: 'no-sfu-in-this-test',
    requireHealthy: false,
    env: { BALLOT_SECRET, LOG_LEVEL: 'trace', SESSION_SECRET: 'ballot-secrecy-test-session-secret' },
  }).then((node) => (nodes.push(node), node));
}

async function socketAs(node: SignalingHandle, username: string): Promise<Socket> {
  return connectSocket(node.url, await login(node.url, username));
}

/** The meeting in progress, with exactly `present` checked in (the other delegates absent). */
async function prepareMeeting(node: SignalingHandle, present: readonly VoterId[]): Promise<Socket> {
  const chairCookie = await login(node.url, 'chutri');
  await sendJson('POST', `${node.url}/api/meetings/${DEMO_MEETING_ID}/status`, chairCookie, { status: 'in_progress' });
  const secretary = await socketAs(node, 'thuky');
  for (const userId of VOTER_IDS) {
    const status = present.includes(userId) ? { status: 'present' } : { status: 'absent', reason: 'Đi công tác' };
    const ack = await request(secretary, 'attendance:checkIn', { ...meeting, userId, ...status });
    if (!ack.ok) throw new Error(JSON.stringify(ack.error));
  }
  return connectSocket(node.url, chairCookie);
}

async function openSecretVote(chair: Socket): Promise<Vote> {
  const ack = await request(chair, 'votes:open', { ...meeting, agendaItemId: 'a-thao-luan', question: 'Bầu trưởng ban?', secret: true });
  if (!ack.ok) throw new Error(JSON.stringify(ack.error));
  return ack.data;
}

async function cast(node: SignalingHandle, userId: VoterId, voteId: string, optionId: string): Promise<void> {
  const ack = await request(await socketAs(node, VOTERS[userId]), 'votes:cast', { ...meeting, voteId, optionId });
  expect(ack, `${userId}'s ballot`).toEqual({ ok: true, data: { voteId } });
}

async function closeVote(chair: Socket, voteId: string): Promise<Vote> {
  const ack = await request(chair, 'votes:close', { ...meeting, voteId });
  if (!ack.ok) throw new Error(JSON.stringify(ack.error));
  return ack.data;
}

const countsOf = (vote: Vote) => Object.fromEntries(vote.results!.counts.map((entry) => [entry.optionId, entry.count]));

describe('secret ballots', () => {
  it('leave nothing in the AOF, a MONITOR capture or the logs that pairs a voter with a choice; the tally is right', async () => {
    const node = await startNode();
    const chair = await prepareMeeting(node, VOTER_IDS);
    const captured: string[] = [];
    // As Redis's administrator would: the signaling account may not run MONITOR.
    const monitor = createClient({ url: redisServer.adminUrl });
    await monitor.connect();
    await monitor.monitor((line: string) => captured.push(line));

    const vote = await openSecretVote(chair);
    expect(vote.turnout).toEqual({ voted: 0, eligible: 3 });
    const choices: Record<VoterId, string> = { 'u-daibieu1': 'agree', 'u-daibieu2': 'disagree', 'u-daibieu3': 'agree' };
    for (const userId of VOTER_IDS) await cast(node, userId, vote.id, choices[userId]);

    // While it is open, what Redis stores (and an RDB snapshot would hold) pairs nobody either.
    const stored = await storedEntries(vote.id);
    expect(stored.some((entry) => entry.includes('u-daibieu1'))).toBe(true);
    expectNoPairing('stored key', stored, choices);

    const closed = await closeVote(chair, vote.id);
    expect(countsOf(closed)).toEqual({ agree: 2, disagree: 1, abstain: 0 });
    expect(closed.results!.ballots).toBeNull();
    expect(await redis.exists(`meeting:${DEMO_MEETING_ID}:vote:${vote.id}:box`)).toBe(0);
    await monitor.disconnect();

    const monitorEntries = groupMonitorLines(captured);
    const aofEntries = await readAofEntries(redisServer.dir);
    // The captures did see the ballots: the test would notice a pairing if there were one.
    for (const entries of [monitorEntries, aofEntries]) {
      expect(entries.filter((entry) => VOTER_IDS.some((userId) => entry.includes(`:voters`) && entry.includes(userId)))).not.toHaveLength(0);
    }
    expectNoPairing('MONITOR', monitorEntries, choices);
    expectNoPairing('AOF', aofEntries, choices);

    // Every sealed ballot has one length, and a guessed secret (the development one) opens none.
    const sealed = [...new Set([...aofEntries, ...monitorEntries].flatMap((entry) => entry.match(/b1\.[A-Za-z0-9_-]+/g) ?? []))];
    expect(sealed).toHaveLength(3);
    expect(new Set(sealed.map((ballot) => ballot.length)).size).toBe(1);
    for (const ballot of sealed) expect(() => new BallotSealer(DEV_BALLOT_SECRET).open(DEMO_MEETING_ID, vote.id, ballot)).toThrow();

    const logLines = node.output().split('\n').filter(Boolean);
    expect(logLines.length).toBeGreaterThan(0);
    expectNoPairing('log line', logLines, choices);
  });

  it('counts a ballot acknowledged just before its signaling node was killed, and a close a crash left uncounted', async () => {
    const first = await startNode();
    const chair = await prepareMeeting(first, VOTER_IDS);
    const vote = await openSecretVote(chair);
    await cast(first, 'u-daibieu1', vote.id, 'disagree');
    first.process.kill('SIGKILL');
    await new Promise((resolve) => first.process.once('exit', resolve));

    const second = await startNode();
    const reader = await socketAs(second, 'daibieu1');
    const listed = await request(reader, 'votes:list', meeting);
    expect(listed.ok && listed.data.votedIds).toContain(vote.id);
    await cast(second, 'u-daibieu2', vote.id, 'agree');
    await cast(second, 'u-daibieu3', vote.id, 'disagree');

    // As if the node closing it died between closing and counting: any node's next read counts it.
    const key = `meeting:${DEMO_MEETING_ID}:vote:${vote.id}`;
    await redis.hSet(key, { status: 'counting', closedAt: new Date().toISOString() });
    const afterCrash = await request(reader, 'votes:list', meeting);
    if (!afterCrash.ok) throw new Error(JSON.stringify(afterCrash.error));
    const counted = afterCrash.data.votes.find((entry) => entry.id === vote.id)!;
    expect(counted.status).toBe('closed');
    expect(countsOf(counted)).toEqual({ agree: 1, disagree: 2, abstain: 0 });
    expect(await redis.hGet(key, 'status')).toBe('closed');
    expect(await redis.exists(`${key}:box`)).toBe(0);
    // Counted once: reading again changes nothing.
    const again = await request(reader, 'votes:list', meeting);
    expect(again.ok && countsOf(again.data.votes.find((entry) => entry.id === vote.id)!)).toEqual({ agree: 1, disagree: 2, abstain: 0 });
  });

  it('refuses a secret vote with only two eligible voters, with a clear error and nothing stored', async () => {
    const node = await startNode();
    const chair = await prepareMeeting(node, ['u-daibieu1', 'u-daibieu2']);
    const before = await redis.zCard(`meeting:${DEMO_MEETING_ID}:votes`);
    const refused = await request(chair, 'votes:open', { ...meeting, agendaItemId: 'a-thao-luan', question: 'Kín?', secret: true });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/at least 3 eligible voters \(2 checked in\)/) } });
    expect(await redis.zCard(`meeting:${DEMO_MEETING_ID}:votes`)).toBe(before);
    // A named vote of two is fine: nothing is secret in it.
    const named = await request(chair, 'votes:open', { ...meeting, agendaItemId: 'a-thao-luan', question: 'Công khai?', secret: false });
    expect(named.ok).toBe(true);
    if (named.ok) await closeVote(chair, named.data.id);
  });
});

/**
 * Fails when an entry that names some voters but not all of them (a ballot names one; the vote's
 * opening names every eligible voter alike, which pairs nobody) also names an option, or holds a
 * value that decodes (base64, hex) to one.
 */
function expectNoPairing(what: string, entries: readonly string[], choices: Record<VoterId, string>): void {
  for (const entry of entries) {
    const named = VOTER_IDS.filter((userId) => entry.includes(userId));
    if (named.length === 0 || named.length === VOTER_IDS.length) continue;
    const readable = [entry, ...decodings(entry)];
    const option = OPTION_IDS.find((optionId) => readable.some((text) => new RegExp(`(^|[^A-Za-z0-9_-])${optionId}($|[^A-Za-z0-9_-])`).test(text)));
    expect(option, `${what} pairs ${named.join(', ')} (chose ${named.map((userId) => choices[userId]).join(', ')}) with ${option}: ${entry.slice(0, 600)}`).toBeUndefined();
  }
}

/** Every token of 12+ base64/hex characters, decoded both ways. */
function decodings(entry: string): string[] {
  const tokens = entry.match(/[A-Za-z0-9+/_=-]{12,}/g) ?? [];
  return tokens.flatMap((token) => {
    const texts = [Buffer.from(token.replace(/^b1\./, ''), 'base64').toString('latin1')];
    if (/^[0-9a-f]+$/i.test(token) && token.length % 2 === 0) texts.push(Buffer.from(token, 'hex').toString('latin1'));
    return texts;
  });
}

/** Each key of the vote as one entry: its name with every field and value (or member). */
async function storedEntries(voteId: string): Promise<string[]> {
  const names = await redis.keys(`meeting:${DEMO_MEETING_ID}:vote:${voteId}*`);
  const entries: string[] = [];
  for (const name of names) {
    const type = await redis.type(name);
    if (type === 'hash') {
      const fields = await redis.hGetAll(name);
      // A hash's fields are separate entries: the definition names every option, the tally no voter.
      for (const [field, value] of Object.entries(fields)) entries.push(`${name} ${field}=${value}`);
    } else if (type === 'set') entries.push(`${name} ${(await redis.sMembers(name)).join(' ')}`);
    else entries.push(`${name} ${await redis.get(name)}`);
  }
  return entries;
}

/**
 * MONITOR lines grouped as Redis ran them: a script's own commands ("[0 lua]") with the EVAL that
 * ran them, a transaction from MULTI to EXEC of one client as one entry.
 */
function groupMonitorLines(lines: readonly string[]): string[] {
  const groups: string[] = [];
  const openTransactions = new Map<string, string[]>();
  for (const line of lines) {
    const source = /^\S+ \[\d+ ([^\]]+)\]/.exec(line)?.[1] ?? '';
    const command = /\] "([A-Za-z]+)"/.exec(line)?.[1]?.toUpperCase() ?? '';
    if (source === 'lua' && groups.length > 0) {
      groups[groups.length - 1] += `\n${line}`;
      continue;
    }
    const transaction = openTransactions.get(source);
    if (command === 'MULTI') openTransactions.set(source, [line]);
    else if (transaction && command === 'EXEC') {
      groups.push([...transaction, line].join('\n'));
      openTransactions.delete(source);
    } else if (transaction) transaction.push(line);
    else groups.push(line);
  }
  return groups;
}

/** The AOF's commands (RESP), a MULTI...EXEC block as one entry. */
async function readAofEntries(dir: string): Promise<string[]> {
  const folder = join(dir, 'appendonlydir');
  const files = (await readdir(folder)).filter((name) => name.endsWith('.aof')).sort();
  const entries: string[] = [];
  for (const file of files) {
    const commands = parseResp(await readFile(join(folder, file)));
    let transaction: string[] | null = null;
    for (const args of commands) {
      const name = args[0]?.toUpperCase();
      if (name === 'MULTI') transaction = [];
      else if (name === 'EXEC' && transaction) {
        entries.push(transaction.join('\n'));
        transaction = null;
      } else if (transaction) transaction.push(args.join(' '));
      else entries.push(args.join(' '));
    }
  }
  expect(entries.length).toBeGreaterThan(0);
  return entries;
}

function parseResp(data: Buffer): string[][] {
  const commands: string[][] = [];
  let at = 0;
  const line = () => {
    const end = data.indexOf('\r\n', at);
    const text = data.subarray(at, end).toString('latin1');
    at = end + 2;
    return text;
  };
  while (at < data.length) {
    const header = line();
    if (!header.startsWith('*')) throw new Error(`unexpected AOF line: ${header.slice(0, 40)}`);
    const args: string[] = [];
    for (let count = Number(header.slice(1)); count > 0; count--) {
      const length = Number(line().slice(1));
      args.push(data.subarray(at, at + length).toString('utf8'));
      at += length + 2;
    }
    commands.push(args);
  }
  return commands;
}
