import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Vote } from '@ehop/protocol';
import { startSfuServer, type SfuServerHandle } from '@ehop/testkit';
import { createSignalingServer, type SignalingServer } from '../src/app/signaling-server.js';
import { loadConfig } from '../src/config.js';
import { DEMO_MEETING_ID, RESTRICTED_MEETING_ID } from '../src/seed/demo-seed.js';
import {
  closeAllSockets,
  connectSocket,
  getJson,
  login,
  nextEvent,
  request,
  sendJson,
  startStack,
  waitFor,
  type TestStack,
} from './support/harness.js';

/*
 * Votes over socket.io with a real Redis, the real SFU (joining the room needs it) and two
 * signaling nodes. Node A logs everything (trace level) into `logLines`, so the test can check
 * that no log line pairs a voter with a choice.
 */
let sfu: SfuServerHandle;
let stack: TestStack;
let loggedNode: SignalingServer;
let nodeA: string;
let nodeB: string;
const logLines: string[] = [];
const meeting = { meetingId: DEMO_MEETING_ID };
const VOTERS = ['u-chutri', 'u-daibieu1', 'u-daibieu2'];

beforeAll(async () => {
  sfu = await startSfuServer({ env: { SFU_WORKERS: '1', LOG_LEVEL: 'warn' } });
  stack = await startStack({ sfuUrl: sfu.url, sfuSecret: sfu.secret });
  const sink = new Writable({ write: (chunk, _encoding, done) => (logLines.push(String(chunk)), done()) });
  loggedNode = await createSignalingServer(
    loadConfig({ REDIS_URL: stack.redisServer.url, SFU_URL: sfu.url, SFU_SECRET: sfu.secret, PORT: '0', LOG_LEVEL: 'trace' }),
    pino({ level: 'trace' }, sink),
  );
  nodeA = await loggedNode.listen();
  nodeB = stack.nodes[0]!.url;
  const chairCookie = await login(nodeB, 'chutri');
  expect((await sendJson('POST', `${nodeB}/api/meetings/${DEMO_MEETING_ID}/status`, chairCookie, { status: 'in_progress' })).status).toBe(200);
  const secretary = await connectSocket(nodeB, await login(nodeB, 'thuky'));
  for (const userId of VOTERS) {
    const ack = await request(secretary, 'attendance:checkIn', { ...meeting, userId, status: 'present' });
    if (!ack.ok) throw new Error(JSON.stringify(ack.error));
  }
  closeAllSockets();
});
afterEach(async () => {
  closeAllSockets();
  await waitFor(async () => (await stack.redis.hLen(`meeting:${DEMO_MEETING_ID}:peers`)) === 0);
});
afterAll(async () => {
  await loggedNode?.close();
  await stack?.stop();
  await sfu?.stop();
});

async function joinAs(url: string, username: string): Promise<Socket> {
  const socket = await connectSocket(url, await login(url, username));
  const ack = await request(socket, 'meeting:join', meeting);
  if (!ack.ok) throw new Error(`join of ${username} failed: ${JSON.stringify(ack.error)}`);
  return socket;
}

async function openVote(chair: Socket, fields: Record<string, unknown> = {}): Promise<Vote> {
  const ack = await request(chair, 'votes:open', { ...meeting, agendaItemId: 'a-thao-luan', question: 'Thông qua báo cáo?', secret: false, ...fields });
  if (!ack.ok) throw new Error(JSON.stringify(ack.error));
  return ack.data;
}

/** The next `votes:changed` matching `predicate` (turnout events may come first). */
function nextVoteEvent(socket: Socket, predicate: (vote: Vote) => boolean): Promise<Vote> {
  return new Promise((resolve) => {
    const listener = (vote: Vote) => {
      if (!predicate(vote)) return;
      socket.off('votes:changed', listener);
      resolve(vote);
    };
    socket.on('votes:changed', listener);
  });
}

/** Every key a vote touched, with its whole content (hash fields, set members, strings). */
async function dumpVoteKeys(voteId: string): Promise<Record<string, unknown>> {
  const names = await stack.redis.keys(`meeting:${DEMO_MEETING_ID}:vote:${voteId}*`);
  const dump: Record<string, unknown> = {};
  for (const name of names.sort()) {
    const type = await stack.redis.type(name);
    if (type === 'hash') dump[name] = await stack.redis.hGetAll(name);
    else if (type === 'set') dump[name] = (await stack.redis.sMembers(name)).sort();
    else if (type === 'string') dump[name] = await stack.redis.get(name);
    else dump[name] = `unexpected ${type}`;
  }
  return dump;
}

describe('votes', () => {
  it('refuses forged and bad ballots with nothing changed; a closed vote cannot change', async () => {
    const chair = await joinAs(nodeA, 'chutri');
    const delegate = await joinAs(nodeB, 'daibieu1');
    const secretary = await joinAs(nodeA, 'thuky');

    const byDelegate = await request(delegate, 'votes:open', { ...meeting, agendaItemId: 'a-thao-luan', question: 'Chen ngang?', secret: false });
    expect(byDelegate).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await stack.redis.exists(`meeting:${DEMO_MEETING_ID}:votes`)).toBe(0);
    const badOptions = await request(chair, 'votes:open', { ...meeting, agendaItemId: 'a-thao-luan', question: 'X?', secret: false, options: ['Một'] });
    expect(badOptions).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const badItem = await request(chair, 'votes:open', { ...meeting, agendaItemId: 'no-such-item', question: 'X?', secret: false });
    expect(badItem).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const opened = nextEvent(delegate, 'votes:changed');
    const vote = await openVote(chair);
    expect((await opened).id).toBe(vote.id);
    expect(vote.options.map((option) => option.label)).toEqual(['Đồng ý', 'Không đồng ý', 'Không biểu quyết']);
    expect(vote.turnout).toEqual({ voted: 0, eligible: 2 });
    const second = await request(chair, 'votes:open', { ...meeting, agendaItemId: 'a-ket-luan', question: 'Y?', secret: false });
    expect(second).toMatchObject({ ok: false, error: { code: 'conflict' } });

    const ref = { ...meeting, voteId: vote.id };
    let before = await dumpVoteKeys(vote.id);
    expect(await request(delegate, 'votes:cast', { ...ref, optionId: 'no-such-option' })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await request(secretary, 'votes:cast', { ...ref, optionId: 'agree' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // The chair did not ask to count themselves: not eligible.
    expect(await request(chair, 'votes:cast', { ...ref, optionId: 'agree' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(delegate, 'votes:close', ref)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await dumpVoteKeys(vote.id)).toEqual(before);

    const turnout = nextEvent(chair, 'votes:changed');
    expect(await request(delegate, 'votes:cast', { ...ref, optionId: 'agree' })).toEqual({ ok: true, data: { voteId: vote.id } });
    expect((await turnout).turnout).toEqual({ voted: 1, eligible: 2 });
    before = await dumpVoteKeys(vote.id);
    expect(await request(delegate, 'votes:cast', { ...ref, optionId: 'disagree' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await dumpVoteKeys(vote.id)).toEqual(before);

    // Two tabs of one delegate on two signaling nodes vote at the same moment: one ballot counts.
    const tabOne = await connectSocket(nodeA, await login(nodeA, 'daibieu2'));
    const tabTwo = await connectSocket(nodeB, await login(nodeB, 'daibieu2'));
    const race = await Promise.all([
      request(tabOne, 'votes:cast', { ...ref, optionId: 'disagree' }),
      request(tabTwo, 'votes:cast', { ...ref, optionId: 'abstain' }),
    ]);
    expect(race.filter((ack) => ack.ok)).toHaveLength(1);

    const published = nextVoteEvent(delegate, (event) => event.status === 'closed');
    const closed = await request(chair, 'votes:close', ref);
    if (!closed.ok) throw new Error(JSON.stringify(closed.error));
    const results = (await published).results!;
    const total = results.counts.reduce((sum, entry) => sum + entry.count, 0);
    expect(total).toBe(2);
    expect(results.counts.find((entry) => entry.optionId === 'agree')!.count).toBe(1);
    expect(results.ballots).toContainEqual({ userId: 'u-daibieu1', optionId: 'agree' });
    expect(results.ballots).toHaveLength(2);

    before = await dumpVoteKeys(vote.id);
    expect(await request(tabOne, 'votes:cast', { ...ref, optionId: 'agree' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await request(chair, 'votes:close', ref)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await dumpVoteKeys(vote.id)).toEqual(before);
  });

  it('refuses a delegate who was not checked in present when the vote opened', async () => {
    const chair = await joinAs(nodeA, 'chutri');
    const secretary = await connectSocket(nodeA, await login(nodeA, 'thuky'));
    await request(secretary, 'attendance:checkIn', { ...meeting, userId: 'u-daibieu2', status: 'absent', reason: 'Đi công tác' });
    const vote = await openVote(chair);
    expect(vote.turnout.eligible).toBe(1);
    const absentee = await connectSocket(nodeB, await login(nodeB, 'daibieu2'));
    const before = await dumpVoteKeys(vote.id);
    expect(await request(absentee, 'votes:cast', { ...meeting, voteId: vote.id, optionId: 'agree' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await dumpVoteKeys(vote.id)).toEqual(before);
    await request(chair, 'votes:close', { ...meeting, voteId: vote.id });
    await request(secretary, 'attendance:checkIn', { ...meeting, userId: 'u-daibieu2', status: 'present' });
  });

  it('stores a secret ballot with no link between voter and choice, in Redis, events and logs', async () => {
    const chair = await joinAs(nodeA, 'chutri');
    const first = await joinAs(nodeA, 'daibieu1');
    const second = await joinAs(nodeB, 'daibieu2');
    const vote = await openVote(chair, { secret: true, chairVotes: true, options: ['Phương án A', 'Phương án B', 'Phương án C'] });
    expect(vote.turnout.eligible).toBe(3);
    const ref = { ...meeting, voteId: vote.id };
    const choices: Record<string, string> = { 'u-chutri': 'o1', 'u-daibieu1': 'o2', 'u-daibieu2': 'o3' };
    const events: Vote[] = [];
    second.on('votes:changed', (event: Vote) => events.push(event));
    expect((await request(chair, 'votes:cast', { ...ref, optionId: choices['u-chutri'] })).ok).toBe(true);
    expect((await request(first, 'votes:cast', { ...ref, optionId: choices['u-daibieu1'] })).ok).toBe(true);
    expect((await request(second, 'votes:cast', { ...ref, optionId: choices['u-daibieu2'] })).ok).toBe(true);
    const closed = await request(chair, 'votes:close', ref);
    if (!closed.ok) throw new Error(JSON.stringify(closed.error));
    expect(closed.data.results).toEqual({
      counts: expect.arrayContaining([{ optionId: 'o1', count: 1 }, { optionId: 'o2', count: 1 }, { optionId: 'o3', count: 1 }]),
      ballots: null,
      // The chair and the meeting's three delegates: more than half of four is three.
      outcome: { rule: 'majority_of_all', forOptionId: 'o1', forVotes: 1, base: 4, required: 3, passed: false },
    });

    const dump = await dumpVoteKeys(vote.id);
    expect(Object.keys(dump).some((name) => name.endsWith(':ballots'))).toBe(false);
    // No single stored value (or hash field with its value) holds a voter id and an option id together.
    const optionIds = vote.options.map((option) => option.id);
    const storedValues = Object.values(dump).flatMap((content) =>
      typeof content === 'string' ? [content] : Array.isArray(content) ? content : Object.entries(content as object).map(([field, value]) => `${field}=${String(value)}`),
    );
    for (const value of storedValues) {
      const namesVoter = VOTERS.some((userId) => value.includes(userId));
      const namesChoice = optionIds.some((optionId) => new RegExp(`\\b${optionId}\\b`).test(value));
      expect(namesVoter && namesChoice, `stored value links a voter and a choice: ${value}`).toBe(false);
    }
    // Participation is a set (no order, no choice); the counters carry no voter.
    expect(dump[`meeting:${DEMO_MEETING_ID}:vote:${vote.id}:voters`]).toEqual([...VOTERS].sort());
    expect(dump[`meeting:${DEMO_MEETING_ID}:vote:${vote.id}:tally`]).toEqual({ o1: '1', o2: '1', o3: '1' });

    await waitFor(() => events.some((event) => event.status === 'closed'));
    for (const event of events) expect(event.results?.ballots ?? null).toBeNull();
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) {
      for (const [userId, optionId] of Object.entries(choices)) {
        expect(line.includes(userId) && line.includes(`"${optionId}"`), `log line links ${userId} to ${optionId}: ${line}`).toBe(false);
      }
    }
  });

  it('closes a vote when its countdown runs out, with nobody connected; a read closes one a restart left open', async () => {
    const chair = await connectSocket(nodeA, await login(nodeA, 'chutri'));
    const vote = await openVote(chair, { durationSeconds: 5 });
    expect(Date.parse(vote.closesAt!) - Date.parse(vote.openedAt)).toBe(5_000);
    closeAllSockets();
    const key = `meeting:${DEMO_MEETING_ID}:vote:${vote.id}`;
    await waitFor(async () => (await stack.redis.hGet(key, 'status')) === 'closed', 9_000);

    // As if the node holding the timer had restarted: the deadline passed, the status still open.
    const reader = await connectSocket(nodeB, await login(nodeB, 'daibieu1'));
    const stale = await openVote(await connectSocket(nodeA, await login(nodeA, 'chutri')), { durationSeconds: 60 });
    const staleKey = `meeting:${DEMO_MEETING_ID}:vote:${stale.id}`;
    await stack.redis.hSet(staleKey, 'deadline', String(Date.now() - 1000));
    const cast = await request(reader, 'votes:cast', { ...meeting, voteId: stale.id, optionId: 'agree' });
    expect(cast).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const listed = await request(reader, 'votes:list', meeting);
    expect(listed.ok && listed.data.votes.find((entry) => entry.id === stale.id)?.status).toBe('closed');
    expect(await stack.redis.sCard(`${staleKey}:voters`)).toBe(0);
  });

  it('decides the outcome by the rule chosen at opening: more than half of those present', async () => {
    const chair = await connectSocket(nodeA, await login(nodeA, 'chutri'));
    const vote = await openVote(chair, { passingRule: 'majority_of_present' });
    expect(vote).toMatchObject({ passingRule: 'majority_of_present', delegates: 3, turnout: { eligible: 2 } });
    const delegate = await connectSocket(nodeB, await login(nodeB, 'daibieu1'));
    expect((await request(delegate, 'votes:cast', { ...meeting, voteId: vote.id, optionId: 'agree' })).ok).toBe(true);
    const second = await connectSocket(nodeB, await login(nodeB, 'daibieu2'));
    expect((await request(second, 'votes:cast', { ...meeting, voteId: vote.id, optionId: 'agree' })).ok).toBe(true);
    const closed = await request(chair, 'votes:close', { ...meeting, voteId: vote.id });
    expect(closed.ok && closed.data.results!.outcome).toEqual({ rule: 'majority_of_present', forOptionId: 'agree', forVotes: 2, base: 2, required: 2, passed: true });
    const csv = await (await getJson(`${nodeB}/api/meetings/${DEMO_MEETING_ID}/votes/${vote.id}/results.csv`, await login(nodeB, 'daibieu1'))).text();
    expect(csv).toContain('Kết quả,Thông qua,Tán thành,2/2,Cần ít nhất,2');
    expect(csv).toContain('Đồng ý,2,100.0');
    expect(await request(chair, 'votes:open', { ...meeting, agendaItemId: 'a-thao-luan', question: 'X?', secret: false, passingRule: 'all' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
  });

  it('serves closed results as CSV to members only', async () => {
    const chair = await connectSocket(nodeA, await login(nodeA, 'chutri'));
    const vote = await openVote(chair, { options: ['Có', 'Không'] });
    const delegateCookie = await login(nodeB, 'daibieu1');
    const url = `${nodeB}/api/meetings/${DEMO_MEETING_ID}/votes/${vote.id}/results.csv`;
    expect((await getJson(url, delegateCookie)).status).toBe(409);
    const delegate = await connectSocket(nodeB, delegateCookie);
    expect((await request(delegate, 'votes:cast', { ...meeting, voteId: vote.id, optionId: 'o1' })).ok).toBe(true);
    expect((await request(chair, 'votes:close', { ...meeting, voteId: vote.id })).ok).toBe(true);

    const response = await getJson(url, delegateCookie);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const csv = await response.text();
    // Shares of all three delegates of the meeting, not of the one ballot cast; the default rule.
    expect(csv).toContain('Tổng số đại biểu,3,Có mặt (được biểu quyết),2,Đã biểu quyết,1');
    expect(csv).toContain('Điều kiện thông qua,quá nửa tổng số đại biểu tán thành');
    expect(csv).toContain('Kết quả,Không thông qua,Tán thành,1/3,Cần ít nhất,2,Phương án tán thành,Có');
    expect(csv).toContain('Có,1,33.3');
    expect(csv).toContain('Không,0,0.0');
    expect(csv).toContain('Lê Minh Tuấn (Huyện Lạc Sơn),Có');

    expect((await getJson(url)).status).toBe(401);
    const outsider = await login(nodeB, 'daibieu2');
    const forged = `${nodeB}/api/meetings/${RESTRICTED_MEETING_ID}/votes/${vote.id}/results.csv`;
    expect((await getJson(forged, outsider)).status).toBe(403);
    expect((await getJson(`${nodeB}/api/meetings/${DEMO_MEETING_ID}/votes/bad:id/results.csv`, delegateCookie)).status).toBe(400);
  });
});
