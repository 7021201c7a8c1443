import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Ack, Vote } from '@ehop/protocol';
import { DEMO_MEETING_ID } from '../src/seed/demo-seed.js';
import { closeAllSockets, connectSocket, login, request, sendJson, sleep, startStack, waitFor, type TestStack } from './support/harness.js';

/*
 * Writes while Redis is away, against a real Redis that the test stops and starts again (and
 * freezes) under a real signaling node: the caller hears `storage_unavailable` at once, nothing of
 * the failed request is applied when Redis is back, and a retry with the same idempotency key is
 * applied once and answered the same way every time.
 */

let stack: TestStack;
let node: string;
const meeting = { meetingId: DEMO_MEETING_ID };
const voteKey = (voteId: string) => `meeting:${DEMO_MEETING_ID}:vote:${voteId}`;

beforeAll(async () => {
  stack = await startStack();
  node = stack.nodes[0]!.url;
  const chairCookie = await login(node, 'chutri');
  expect((await sendJson('POST', `${node}/api/meetings/${DEMO_MEETING_ID}/status`, chairCookie, { status: 'in_progress' })).status).toBe(200);
  const secretary = await connectSocket(node, await login(node, 'thuky'));
  for (const userId of ['u-daibieu1', 'u-daibieu2', 'u-daibieu3']) {
    const ack = await request(secretary, 'attendance:checkIn', { ...meeting, userId, status: 'present' });
    if (!ack.ok) throw new Error(JSON.stringify(ack.error));
  }
  closeAllSockets();
});
afterEach(() => closeAllSockets());
afterAll(() => stack?.stop());

async function socketAs(username: string): Promise<Socket> {
  return connectSocket(node, await login(node, username));
}

/** Redis down: stopped, and the node's connection has noticed. */
async function stopRedis(): Promise<void> {
  await stack.redisServer.shutdown();
  await waitFor(async () => !(await nodeSeesRedis()));
}

async function startRedisAgain(): Promise<void> {
  await stack.redisServer.restart();
  await waitFor(nodeSeesRedis, 15_000);
  // The test's own connection reconnects by itself too.
  await waitFor(() => stack.redis.isReady, 15_000);
}

async function nodeSeesRedis(): Promise<boolean> {
  const health = (await (await fetch(`${node}/healthz`)).json()) as { checks: { redis: boolean } };
  return health.checks.redis;
}

async function openSecretVote(): Promise<Vote> {
  const chair = await socketAs('chutri');
  const ack = await request(chair, 'votes:open', { ...meeting, agendaItemId: 'a-thao-luan', question: 'Thông qua?', secret: true });
  if (!ack.ok) throw new Error(JSON.stringify(ack.error));
  return ack.data;
}

async function closeVote(voteId: string): Promise<Vote> {
  const ack = await request(await socketAs('chutri'), 'votes:close', { ...meeting, voteId });
  if (!ack.ok) throw new Error(JSON.stringify(ack.error));
  return ack.data;
}

describe('writes while storage is down', () => {
  it('refuses a ballot at once while Redis is stopped, applies nothing later, and counts its retry once', async () => {
    const vote = await openSecretVote();
    const voter = await socketAs('daibieu1');
    const ballot = { ...meeting, voteId: vote.id, optionId: 'agree', idempotencyKey: 'ballot-attempt-0001' };

    await stopRedis();
    expect(await request(voter, 'votes:cast', ballot)).toMatchObject({ ok: false, error: { code: 'storage_unavailable' } });
    await startRedisAgain();
    // Time for anything queued during the outage to reach Redis (it would, with an offline queue).
    await sleep(1000);
    expect(await stack.redis.sCard(`${voteKey(vote.id)}:voters`)).toBe(0);
    expect(await stack.redis.sCard(`${voteKey(vote.id)}:box`)).toBe(0);

    const first = await request(voter, 'votes:cast', ballot);
    expect(first).toEqual({ ok: true, data: { voteId: vote.id } });
    // The same retry again (its answer was lost, say): the same answer, not "already voted".
    expect(await request(voter, 'votes:cast', ballot)).toEqual(first);
    expect(await stack.redis.sCard(`${voteKey(vote.id)}:voters`)).toBe(1);
    expect(await stack.redis.sCard(`${voteKey(vote.id)}:box`)).toBe(1);
    // A new action (new key) is a second ballot, and refused as such.
    expect(await request(voter, 'votes:cast', { ...ballot, idempotencyKey: 'ballot-attempt-0002' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    // A key reused for another request is a client bug: refused, nothing run.
    expect(await request(voter, 'votes:close', { ...meeting, voteId: vote.id, idempotencyKey: 'ballot-attempt-0001' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });

    for (const [username, optionId] of [['daibieu2', 'disagree'], ['daibieu3', 'agree']] as const) {
      expect((await request(await socketAs(username), 'votes:cast', { ...meeting, voteId: vote.id, optionId })).ok).toBe(true);
    }
    const closed = await closeVote(vote.id);
    expect(Object.fromEntries(closed.results!.counts.map((entry) => [entry.optionId, entry.count]))).toEqual({ agree: 2, disagree: 1, abstain: 0 });
  });

  it('answers a retry with the applied ballot when the first attempt outlived its caller (Redis frozen)', async () => {
    const vote = await openSecretVote();
    const voter = await socketAs('daibieu2');
    const ballot = { ...meeting, voteId: vote.id, optionId: 'disagree', idempotencyKey: 'frozen-redis-ballot-1' };

    // Redis hangs (a stalled disk, a paused VM): the caller gives up and is told it timed out...
    stack.redisServer.process.kill('SIGSTOP');
    try {
      await expect(voter.timeout(1500).emitWithAck('votes:cast', ballot)).rejects.toThrow();
    } finally {
      stack.redisServer.process.kill('SIGCONT');
    }
    // ...while the write it sent is applied when Redis wakes up.
    await waitFor(async () => (await stack.redis.sCard(`${voteKey(vote.id)}:voters`)) === 1);
    // The client's retry with the same key learns that its ballot counted, instead of "already voted"
    // (while the first attempt is still finishing it hears "try again", as the web app does).
    let retry = await request(voter, 'votes:cast', ballot);
    for (let attempt = 0; attempt < 20 && !retry.ok && retry.error.code === 'storage_unavailable'; attempt++) {
      await sleep(250);
      retry = await request(voter, 'votes:cast', ballot);
    }
    expect(retry).toEqual({ ok: true, data: { voteId: vote.id } });
    expect(await stack.redis.sCard(`${voteKey(vote.id)}:box`)).toBe(1);
    await closeVote(vote.id);
  });

  it('refuses a minutes save at once while Redis is stopped, applies nothing later, and saves its retry once', async () => {
    const secretary = await socketAs('thuky');
    const loaded = await request(secretary, 'minutes:get', meeting);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
    const section = loaded.data.minutes.sections.find((entry) => entry.id === 'closing')!;
    const doc = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Cuộc họp kết thúc lúc 11 giờ.' }] }] };
    const save = { ...meeting, sectionId: 'closing', baseRevision: section.revision, doc, idempotencyKey: 'minutes-save-attempt-1' };
    const stored = async () => JSON.parse((await stack.redis.hGet(`meeting:${DEMO_MEETING_ID}:minutes`, 'state'))!) as typeof loaded.data.minutes;
    const before = await stored();

    await stopRedis();
    expect(await request(secretary, 'minutes:saveSection', save)).toMatchObject({ ok: false, error: { code: 'storage_unavailable' } });
    await startRedisAgain();
    await sleep(1000);
    expect(await stored()).toEqual(before);

    const first = (await request(secretary, 'minutes:saveSection', save)) as Ack<{ revision: number; sectionRevision: number }>;
    expect(first).toMatchObject({ ok: true, data: { revision: before.revision + 1, sectionRevision: section.revision + 1 } });
    expect(await request(secretary, 'minutes:saveSection', save)).toEqual(first);
    const after = await stored();
    expect(after.revision).toBe(before.revision + 1);
    expect(after.sections.find((entry) => entry.id === 'closing')!.doc).toEqual(doc);
  });

  it('answers HTTP requests with storage_unavailable while Redis is stopped', async () => {
    const cookie = await login(node, 'daibieu1');
    await stopRedis();
    try {
      const response = await fetch(`${node}/api/meetings`, { headers: { cookie } });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('storage_unavailable');
    } finally {
      await startRedisAgain();
    }
  });
});
