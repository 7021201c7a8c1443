import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { Agenda, ServerEvent } from '@ehop/protocol';
import { DEMO_MEETING_ID } from '../src/seed/demo-seed.js';
import {
  closeAllSockets,
  collectEvents,
  connectSocket,
  login,
  nextEvent,
  request,
  sendJson,
  sleep,
  startTwoNodeStack,
  waitFor,
  type TestStack,
  type TwoNodeStack,
} from './support/harness.js';

/*
 * Agenda and attendance over socket.io, with a real Redis, the real SFU (joining the room
 * needs it) and two signaling nodes, so every broadcast crosses the Redis adapter.
 */
let services: TwoNodeStack;
let stack: TestStack;
let nodeA: string;
let nodeB: string;

beforeAll(async () => {
  services = await startTwoNodeStack();
  ({ stack, nodeA, nodeB } = services);
});
afterEach(async () => {
  closeAllSockets();
  await waitFor(async () => (await stack.redis.hLen(`meeting:${DEMO_MEETING_ID}:peers`)) === 0);
});
afterAll(async () => {
  await services?.stop();
});

/** Signed in on `url` and in the demo meeting's room (so broadcasts reach the socket). */
async function joinAs(url: string, username: string): Promise<Socket> {
  const socket = await connectSocket(url, await login(url, username));
  const ack = await request(socket, 'meeting:join', { meetingId: DEMO_MEETING_ID });
  if (!ack.ok) throw new Error(`join of ${username} failed: ${JSON.stringify(ack.error)}`);
  return socket;
}

async function currentAgenda(socket: Socket): Promise<Agenda> {
  const ack = await request(socket, 'agenda:get', { meetingId: DEMO_MEETING_ID });
  if (!ack.ok) throw new Error(JSON.stringify(ack.error));
  return ack.data.agenda;
}

const storedAgenda = () => stack.redis.hGetAll(`meeting:${DEMO_MEETING_ID}:agenda`);
const topLevelIds = (agenda: Agenda) => agenda.items.map((item) => item.id);
const meeting = { meetingId: DEMO_MEETING_ID };

describe('agenda', () => {
  it('gives every member the seeded agenda and the server clock', async () => {
    const endpoint = await connectSocket(nodeA, await login(nodeA, 'diemcau-xa'));
    const ack = await request(endpoint, 'agenda:get', meeting);
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(topLevelIds(ack.data.agenda)).toEqual(['a-khai-mac', 'a-bao-cao-ktxh', 'a-thao-luan', 'a-ket-luan']);
    expect(ack.data.agenda.items[1]!.children.map((child) => child.title)).toEqual([
      'Kết quả thu ngân sách và giải ngân vốn đầu tư công',
      'Sản xuất nông nghiệp và phòng, chống thiên tai',
    ]);
    expect(Math.abs(Date.parse(ack.data.serverTime) - Date.now())).toBeLessThan(5_000);
  });

  it("refuses a delegate's reorder with forbidden: nothing stored, nothing broadcast", async () => {
    const secretary = await joinAs(nodeA, 'thuky');
    const delegate = await joinAs(nodeB, 'daibieu1');
    const heard = collectEvents(secretary, 'agenda:changed');
    const before = await storedAgenda();
    const { version } = await currentAgenda(delegate);

    const ack = await request(delegate, 'agenda:reorder', { ...meeting, version, itemId: 'a-ket-luan', parentId: null, index: 0 });
    expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const add = await request(delegate, 'agenda:addItem', { ...meeting, version, parentId: null, title: 'Chen ngang', presenterId: null, plannedMinutes: 5 });
    expect(add).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await sleep(300);
    expect(await storedAgenda()).toEqual(before);
    expect(heard).toEqual([]);
  });

  it("broadcasts the secretary's reorder to everyone in the room, across signaling nodes", async () => {
    const secretary = await joinAs(nodeA, 'thuky');
    const delegate = await joinAs(nodeB, 'daibieu1');
    const { version } = await currentAgenda(secretary);
    const heard = nextEvent(delegate, 'agenda:changed');

    const ack = await request(secretary, 'agenda:reorder', { ...meeting, version, itemId: 'a-ket-luan', parentId: null, index: 2 });
    expect(ack.ok).toBe(true);
    const event = await heard;
    expect(event.version).toBe(version + 1);
    expect(topLevelIds(event)).toEqual(['a-khai-mac', 'a-bao-cao-ktxh', 'a-ket-luan', 'a-thao-luan']);
    expect(topLevelIds(await currentAgenda(delegate))).toEqual(topLevelIds(event));
  });

  it('refuses a reorder made on a stale version with conflict, and keeps the newer order', async () => {
    const secretary = await joinAs(nodeA, 'thuky');
    const chair = await joinAs(nodeB, 'chutri');
    const seen = await currentAgenda(chair);
    const first = await request(secretary, 'agenda:reorder', { ...meeting, version: seen.version, itemId: 'a-khai-mac', parentId: null, index: 3 });
    expect(first.ok).toBe(true);
    const afterFirst = await storedAgenda();

    const stale = await request(chair, 'agenda:reorder', { ...meeting, version: seen.version, itemId: 'a-thao-luan', parentId: null, index: 0 });
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await storedAgenda()).toEqual(afterFirst);
  });

  it('adds, edits and removes items; a presenter must be a member', async () => {
    const secretary = await joinAs(nodeA, 'thuky');
    let { version } = await currentAgenda(secretary);
    const outsider = await request(secretary, 'agenda:addItem', { ...meeting, version, parentId: null, title: 'X', presenterId: 'u-nobody', plannedMinutes: 5 });
    expect(outsider).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });

    const added = await request(secretary, 'agenda:addItem', { ...meeting, version, parentId: 'a-thao-luan', title: 'Ý kiến huyện Lạc Sơn', presenterId: 'u-daibieu1', plannedMinutes: 7 });
    if (!added.ok) throw new Error(JSON.stringify(added.error));
    const child = added.data.items.find((item) => item.id === 'a-thao-luan')!.children[0]!;
    expect(child).toMatchObject({ title: 'Ý kiến huyện Lạc Sơn', presenterId: 'u-daibieu1', plannedMinutes: 7 });
    version = added.data.version;

    const updated = await request(secretary, 'agenda:updateItem', { ...meeting, version, itemId: child.id, title: 'Ý kiến huyện Lạc Sơn (bổ sung)', presenterId: null, plannedMinutes: 12 });
    if (!updated.ok) throw new Error(JSON.stringify(updated.error));
    const removed = await request(secretary, 'agenda:removeItem', { ...meeting, version: updated.data.version, itemId: child.id });
    if (!removed.ok) throw new Error(JSON.stringify(removed.error));
    expect(removed.data.items.find((item) => item.id === 'a-thao-luan')!.children).toEqual([]);
  });

  it('lets only the chair move the meeting to an item, once it has started; everyone hears it', async () => {
    const chair = await joinAs(nodeA, 'chutri');
    const secretary = await joinAs(nodeA, 'thuky');
    const delegate = await joinAs(nodeB, 'daibieu2');

    const early = await request(chair, 'agenda:setCurrent', { ...meeting, itemId: 'a-bao-cao-ktxh' });
    expect(early).toMatchObject({ ok: false, error: { code: 'conflict' } });

    const started = nextEvent(delegate, 'meeting:statusChanged');
    const chairCookie = await login(nodeA, 'chutri');
    expect((await sendJson('POST', `${nodeA}/api/meetings/${DEMO_MEETING_ID}/status`, chairCookie, { status: 'in_progress' })).status).toBe(200);
    expect(await started).toEqual({ meetingId: DEMO_MEETING_ID, status: 'in_progress' });

    const byDelegate = await request(delegate, 'agenda:setCurrent', { ...meeting, itemId: 'a-ket-luan' });
    const bySecretary = await request(secretary, 'agenda:setCurrent', { ...meeting, itemId: 'a-ket-luan' });
    expect(byDelegate).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(bySecretary).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await currentAgenda(delegate)).current).toBeNull();

    const heard = nextEvent(delegate, 'agenda:changed');
    const moved = await request(chair, 'agenda:setCurrent', { ...meeting, itemId: 'a-ngan-sach' });
    expect(moved.ok).toBe(true);
    const event: ServerEvent<'agenda:changed'> = await heard;
    expect(event.current?.itemId).toBe('a-ngan-sach');
    expect(Math.abs(Date.parse(event.current!.startedAt) - Date.now())).toBeLessThan(5_000);

    // Moving to the same item again keeps its clock; a late joiner reads it from Redis.
    const again = await request(chair, 'agenda:setCurrent', { ...meeting, itemId: 'a-ngan-sach' });
    expect(again.ok && again.data.current).toEqual(event.current);
    const lateJoiner = await connectSocket(nodeB, await login(nodeB, 'diemcau-huyen'));
    expect((await currentAgenda(lateJoiner)).current).toEqual(event.current);
  });
});

describe('attendance', () => {
  it("lets a delegate check themselves in; the chair's and secretary's screens hear it", async () => {
    const chair = await joinAs(nodeA, 'chutri');
    const delegate = await joinAs(nodeB, 'daibieu1');
    const snapshot = await request(chair, 'attendance:get', meeting);
    expect(snapshot.ok && snapshot.data.quorum).toEqual({ numerator: 1, denominator: 2, comparison: 'more_than' });

    const heard = nextEvent(chair, 'attendance:changed');
    const ack = await request(delegate, 'attendance:checkIn', { ...meeting, status: 'present' });
    expect(ack).toMatchObject({ ok: true, data: { userId: 'u-daibieu1', status: 'present', recordedBy: 'u-daibieu1', reason: null } });
    expect((await heard).entry).toMatchObject({ userId: 'u-daibieu1', status: 'present' });
  });

  it('lets the secretary record an absence with a reason; the person concerned hears it', async () => {
    const secretary = await joinAs(nodeA, 'thuky');
    const delegate = await joinAs(nodeB, 'daibieu2');
    const heard = nextEvent(delegate, 'attendance:changed');
    const ack = await request(secretary, 'attendance:checkIn', { ...meeting, userId: 'u-daibieu2', status: 'absent', reason: 'Đi công tác tại Hà Nội' });
    expect(ack.ok).toBe(true);
    expect((await heard).entry).toMatchObject({ userId: 'u-daibieu2', status: 'absent', reason: 'Đi công tác tại Hà Nội', recordedBy: 'u-thuky' });

    // The delegate sees their own entry only; the secretary sees everyone's.
    const own = await request(delegate, 'attendance:get', meeting);
    expect(own.ok && own.data.entries.map((entry) => entry.userId)).toEqual(['u-daibieu2']);
    // (The chair and the secretary were checked in by joining the running meeting.)
    const all = await request(secretary, 'attendance:get', meeting);
    expect(all.ok && all.data.entries.map((entry) => entry.userId).sort()).toEqual(['u-chutri', 'u-daibieu1', 'u-daibieu2', 'u-thuky']);
  });

  it("refuses a delegate recording someone else, and nonsense, without writing anything", async () => {
    const delegate = await joinAs(nodeB, 'daibieu1');
    const before = await stack.redis.hGetAll(`meeting:${DEMO_MEETING_ID}:attendance`);
    const forged = await request(delegate, 'attendance:checkIn', { ...meeting, userId: 'u-daibieu2', status: 'present' });
    expect(forged).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const noReason = await request(delegate, 'attendance:checkIn', { ...meeting, status: 'absent' });
    expect(noReason).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const secretary = await connectSocket(nodeA, await login(nodeA, 'thuky'));
    const endpoint = await request(secretary, 'attendance:checkIn', { ...meeting, userId: 'u-diemcau-xa', status: 'present' });
    expect(endpoint).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const notAnEndpoint = await request(delegate, 'attendance:checkIn', { ...meeting, status: 'online', endpointId: 'u-thuky' });
    expect(notAnEndpoint).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await stack.redis.hGetAll(`meeting:${DEMO_MEETING_ID}:attendance`)).toEqual(before);
  });

  it('keeps the newest entry of a person when many check-ins race', async () => {
    const secretary = await connectSocket(nodeA, await login(nodeA, 'thuky'));
    const other = await connectSocket(nodeB, await login(nodeB, 'thuky'));
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        request(index % 2 ? secretary : other, 'attendance:checkIn', { ...meeting, userId: 'u-daibieu1', status: index % 3 ? 'present' : 'online' }),
      ),
    );
    const newest = acks.flatMap((ack) => (ack.ok ? [ack.data] : [])).sort((a, b) => b.version - a.version)[0]!;
    const stored = JSON.parse((await stack.redis.hGet(`meeting:${DEMO_MEETING_ID}:attendance`, 'u-daibieu1'))!);
    expect(stored).toEqual(newest);
  });
});
