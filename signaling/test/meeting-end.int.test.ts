import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  FloorLogEntry,
  ManagedMeeting,
  UploadProgress,
  richText,
  type ClientRequestName,
  type ClientResponse,
  type MeetingStatus,
  type ServerEvent,
} from '@ehop/protocol';
import type { SfuClient } from '../src/media/sfu-client.js';
import { DEMO_MEETING_ID } from '../src/seed/demo-seed.js';
import { multiPagePdf, uploadForm } from './support/document-fixtures.js';
import {
  closeAllSockets,
  connectSfuProbe,
  collectEvents,
  connectSocket,
  errorCode,
  getJson,
  login,
  request,
  sendJson,
  startTwoNodeStack,
  waitFor,
  type TestStack,
  type TwoNodeStack,
} from './support/harness.js';

/*
 * Ending a meeting, against a real SFU, Redis and two signaling nodes (every participant's node
 * is not the node the chair ends the meeting on): the floor closes and the running turn goes
 * into the minutes, the presentation stops, the SFU room goes, every socket hears it, a
 * recording running on the other node is finalised; an open vote refuses the end; a crash in
 * the middle is finished by the next attempt or the next node to start. Attendance: joining
 * checks members in, only members are listed, in the minutes and in the dossier's file.
 */
let services: TwoNodeStack;
let stack: TestStack;
let nodeA: string;
let nodeB: string;
let sfuProbe: SfuClient;

beforeAll(async () => {
  services = await startTwoNodeStack();
  ({ stack, nodeA, nodeB } = services);
  sfuProbe = await connectSfuProbe(services.sfu);
});
afterEach(() => closeAllSockets());
afterAll(async () => {
  sfuProbe?.close();
  await services?.stop();
});

interface Participant {
  username: string;
  cookie: string;
  socket: Socket;
  statusEvents: ServerEvent<'meeting:statusChanged'>[];
}

async function connect(url: string, username: string): Promise<Participant> {
  const cookie = await login(url, username);
  const socket = await connectSocket(url, cookie);
  return { username, cookie, socket, statusEvents: collectEvents(socket, 'meeting:statusChanged') };
}

async function ok<K extends ClientRequestName>(participant: Participant, name: K, payload: unknown): Promise<ClientResponse<K>> {
  const ack = await request(participant.socket, name, payload);
  if (!ack.ok) throw new Error(`${participant.username}: ${name} failed: ${ack.error.code} ${ack.error.message}`);
  return ack.data as ClientResponse<K>;
}

async function joinAs(url: string, username: string, meetingId = DEMO_MEETING_ID): Promise<Participant> {
  const participant = await connect(url, username);
  await ok(participant, 'meeting:join', { meetingId });
  return participant;
}

function setStatus(url: string, cookie: string, meetingId: string, status: MeetingStatus): Promise<Response> {
  return sendJson('POST', `${url}/api/meetings/${meetingId}/status`, cookie, { status });
}

async function floorLog(meetingId: string): Promise<FloorLogEntry[]> {
  return (await stack.redis.lRange(`meeting:${meetingId}:floor-log`, 0, -1)).map((json) => FloorLogEntry.parse(JSON.parse(json)));
}

async function conferenceRecord(meetingId: string): Promise<{ holder: { userId: string } | null; queue: unknown[] }> {
  return JSON.parse((await stack.redis.get(`meeting:${meetingId}:conference`)) ?? 'null') as { holder: { userId: string } | null; queue: unknown[] };
}

/** The SFU's peers in the room, or null once the room itself is gone. */
async function sfuPeers(meetingId: string): Promise<number | null> {
  try {
    return (await sfuProbe.request('room:stats', { roomId: meetingId })).peers;
  } catch (error) {
    if ((error as { code?: string }).code === 'not_found') return null;
    throw error;
  }
}

/** One file of the dossier's ZIP, read with the system's unzip. */
async function dossierFile(cookie: string, meetingId: string, fileName: string): Promise<string> {
  const response = await getJson(`${nodeB}/api/archive/${meetingId}/export.zip`, cookie);
  expect(response.status).toBe(200);
  const dir = await mkdtemp(join(tmpdir(), 'ehop-end-dossier-'));
  try {
    await writeFile(join(dir, 'dossier.zip'), Buffer.from(await response.arrayBuffer()));
    return execFileSync('unzip', ['-p', join(dir, 'dossier.zip'), fileName]).toString('utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('ending a meeting with a speaker, a queue, a presentation, a recording and a vote', () => {
  it('refuses while the vote is open, then closes everything for everyone, on every node, and records who spoke and who attended', async () => {
    // The chair and the secretary enter before the meeting starts; starting checks them in.
    const chair = await joinAs(nodeA, 'chutri');
    const secretary = await joinAs(nodeB, 'thuky');
    expect((await setStatus(nodeA, chair.cookie, DEMO_MEETING_ID, 'in_progress')).status).toBe(200);
    const speaker = await joinAs(nodeA, 'daibieu1');
    const waiting = await joinAs(nodeB, 'daibieu2');
    const endpoint = await joinAs(nodeB, 'diemcau-xa');
    const everyone = [chair, secretary, speaker, waiting, endpoint];

    const attendance = async () => new Map((await ok(secretary, 'attendance:get', { meetingId: DEMO_MEETING_ID })).entries.map((entry) => [entry.userId, entry]));
    await waitFor(async () => (await attendance()).size === 4);
    const checkedIn = await attendance();
    for (const userId of ['u-chutri', 'u-thuky', 'u-daibieu1', 'u-daibieu2']) expect(checkedIn.get(userId)).toMatchObject({ status: 'present', recordedBy: userId });
    // Endpoints are devices (shown by their connection), never checked in.
    expect(checkedIn.has('u-diemcau-xa')).toBe(false);

    // An explicit status is kept: the secretary records daibieu2 as online; joining again leaves it.
    await ok(secretary, 'attendance:checkIn', { meetingId: DEMO_MEETING_ID, userId: 'u-daibieu2', status: 'online' });
    await ok(waiting, 'meeting:join', { meetingId: DEMO_MEETING_ID });
    expect((await attendance()).get('u-daibieu2')).toMatchObject({ status: 'online', recordedBy: 'u-thuky' });

    // The floor: daibieu1 speaks on the report, daibieu2 waits.
    await ok(speaker, 'floor:request', { kind: 'speak', agendaItemId: 'a-bao-cao-ktxh' });
    await ok(waiting, 'floor:request', { kind: 'speak', agendaItemId: 'a-bao-cao-ktxh' });
    await ok(chair, 'floor:grant', { userId: 'u-daibieu1', speakingTimeSec: 180 });

    // The chair presents a document; the secretary records (on node B: the end comes through node A).
    const uploaded = await fetch(`${nodeA}/api/meetings/${DEMO_MEETING_ID}/documents`, {
      method: 'POST',
      headers: { cookie: chair.cookie },
      body: uploadForm(await multiPagePdf(2), 'Báo cáo.pdf'),
    });
    expect(uploaded.status).toBe(201);
    const document = UploadProgress.parse(await uploaded.json()).document!;
    await ok(chair, 'documents:subscribe', { meetingId: DEMO_MEETING_ID });
    await ok(chair, 'presentation:start', { meetingId: DEMO_MEETING_ID, documentId: document.id, page: 1 });
    await ok(secretary, 'recording:start', { meetingId: DEMO_MEETING_ID });
    expect(await sfuPeers(DEMO_MEETING_ID)).toBe(5);

    // An open vote refuses the end, and nothing changes.
    const vote = await ok(chair, 'votes:open', { meetingId: DEMO_MEETING_ID, agendaItemId: 'a-thao-luan', question: 'Thông qua báo cáo?', secret: false });
    const refused = await setStatus(nodeA, chair.cookie, DEMO_MEETING_ID, 'ended');
    expect(refused.status).toBe(409);
    expect(await errorCode(refused)).toBe('vote_open');
    expect((await conferenceRecord(DEMO_MEETING_ID)).holder?.userId).toBe('u-daibieu1');
    expect(await stack.redis.exists(`meeting:${DEMO_MEETING_ID}:presentation`)).toBe(1);
    expect(await stack.redis.sMembers('meetings:ending')).toEqual([]);
    expect(await sfuPeers(DEMO_MEETING_ID)).toBe(5);
    expect(everyone.every((participant) => participant.statusEvents.every((event) => event.status !== 'ended'))).toBe(true);

    await ok(chair, 'votes:close', { meetingId: DEMO_MEETING_ID, voteId: vote.id });
    const ended = await setStatus(nodeA, chair.cookie, DEMO_MEETING_ID, 'ended');
    expect(ended.status).toBe(200);

    // Every socket, on both nodes, hears it once; their media is gone, and the SFU room with it.
    await waitFor(() => everyone.every((participant) => participant.statusEvents.some((event) => event.status === 'ended')));
    for (const participant of everyone) {
      expect(participant.statusEvents.filter((event) => event.status === 'ended'), participant.username).toEqual([{ meetingId: DEMO_MEETING_ID, status: 'ended' }]);
    }
    expect(await sfuPeers(DEMO_MEETING_ID)).toBeNull();
    await waitFor(async () => (await stack.redis.hLen(`meeting:${DEMO_MEETING_ID}:peers`)) === 0);
    expect(await request(speaker.socket, 'floor:request', { kind: 'speak' })).toMatchObject({ ok: false, error: { code: 'not_in_meeting' } });
    expect(await request(speaker.socket, 'meeting:join', { meetingId: DEMO_MEETING_ID })).toMatchObject({ ok: false, error: { code: 'meeting_ended' } });

    // The floor is closed: the running turn is logged, nobody waits; the presentation stopped.
    expect(await conferenceRecord(DEMO_MEETING_ID)).toMatchObject({ holder: null, queue: [] });
    expect((await floorLog(DEMO_MEETING_ID)).map((turn) => [turn.userId, turn.agendaItemId, turn.endedBy])).toEqual([['u-daibieu1', 'a-bao-cao-ktxh', 'meeting_ended']]);
    expect(await stack.redis.exists(`meeting:${DEMO_MEETING_ID}:presentation`)).toBe(0);
    expect(await request(chair.socket, 'presentation:start', { meetingId: DEMO_MEETING_ID, documentId: document.id, page: 1 })).toMatchObject({
      ok: false,
      error: { code: 'meeting_ended' },
    });

    // The recording that ran on node B is finalised.
    await waitFor(async () => (await ok(secretary, 'recording:state', { meetingId: DEMO_MEETING_ID })).status === 'off', 20_000);
    const recordings = (await (await getJson(`${nodeB}/api/meetings/${DEMO_MEETING_ID}/recordings`, secretary.cookie)).json()) as { recordings: { status: string }[] };
    expect(recordings.recordings).toHaveLength(1);
    expect(['finished', 'failed']).toContain(recordings.recordings[0]!.status);

    // The minutes list the speaker under the item, the chair and the secretary as present, no administrator.
    const { minutes } = await ok(secretary, 'minutes:get', { meetingId: DEMO_MEETING_ID });
    const sectionText = (id: string) => richText(minutes.sections.find((section) => section.id === id)!.doc);
    expect(sectionText('item-a-bao-cao-ktxh')).toContain('Lê Minh Tuấn (Huyện Lạc Sơn), Huyện Lạc Sơn');
    expect(sectionText('item-a-bao-cao-ktxh')).not.toContain('Không có ý kiến phát biểu');
    expect(sectionText('attendance')).toContain('Nguyễn Văn Hùng (Chủ tịch UBND tỉnh), Tỉnh Hòa Bình: có mặt tại phòng họp');
    expect(sectionText('attendance')).toContain('Trần Thị Mai (Thư ký), Tỉnh Hòa Bình: có mặt tại phòng họp');
    expect(sectionText('attendance')).not.toContain('Quản trị hệ thống');
    expect(sectionText('closing')).toMatch(/Cuộc họp kết thúc vào lúc \d\d giờ \d\d phút/);

    // So does the dossier's attendance file.
    const csv = await dossierFile(secretary.cookie, DEMO_MEETING_ID, 'diem-danh.csv');
    const rowOf = (name: string) => csv.split('\r\n').find((line) => line.startsWith(name)) ?? '';
    expect(rowOf('Nguyễn Văn Hùng')).toContain('Có mặt');
    expect(rowOf('Trần Thị Mai')).toContain('Có mặt');
    expect(rowOf('Bùi Thị Lan')).toContain('Dự trực tuyến');
    expect(csv).not.toContain('Quản trị hệ thống');
    expect(csv).not.toContain('Điểm cầu UBND');
    expect(await stack.redis.sMembers('meetings:ending')).toEqual([]);

    // Ending again answers the same and changes nothing.
    expect((await setStatus(nodeB, chair.cookie, DEMO_MEETING_ID, 'ended')).status).toBe(200);
    expect(await floorLog(DEMO_MEETING_ID)).toHaveLength(1);
    const delegateAgain = await setStatus(nodeB, speaker.cookie, DEMO_MEETING_ID, 'ended');
    expect(delegateAgain.status).toBe(403);
  }, 90_000);
});

describe('an ending interrupted by a crash', () => {
  let admin: string;
  beforeAll(async () => {
    admin = await login(nodeA, 'admin');
  });

  /** A running meeting where daibieu1 holds the floor and daibieu2 waits. */
  async function meetingWithASpeaker(): Promise<{ meetingId: string; chair: Participant }> {
    const created = await sendJson('POST', `${nodeA}/api/admin/meetings`, admin, {
      title: 'Họp giao ban',
      startsAt: new Date().toISOString(),
      members: [
        { userId: 'u-chutri', role: 'chair' },
        { userId: 'u-daibieu1', role: 'delegate' },
        { userId: 'u-daibieu2', role: 'delegate' },
      ],
    });
    expect(created.status).toBe(201);
    const meetingId = ManagedMeeting.parse(await created.json()).id;
    const chairCookie = await login(nodeA, 'chutri');
    expect((await setStatus(nodeA, chairCookie, meetingId, 'published')).status).toBe(200);
    expect((await setStatus(nodeA, chairCookie, meetingId, 'in_progress')).status).toBe(200);
    const present = await joinAs(nodeA, 'chutri', meetingId);
    const speaker = await joinAs(nodeB, 'daibieu1', meetingId);
    const waiting = await joinAs(nodeB, 'daibieu2', meetingId);
    await ok(speaker, 'floor:request', { kind: 'speak', agendaItemId: null });
    await ok(waiting, 'floor:request', { kind: 'speak', agendaItemId: null });
    await ok(present, 'floor:grant', { userId: 'u-daibieu1', speakingTimeSec: null });
    return { meetingId, chair: present };
  }

  /** What a node that died right after recording the end leaves: the mark and the status, nothing else. */
  async function crashRightAfterTheStatus(meetingId: string): Promise<void> {
    await stack.redis.sAdd('meetings:ending', meetingId);
    const stored = JSON.parse((await stack.redis.get(`meeting:${meetingId}`))!) as Record<string, unknown>;
    await stack.redis.set(`meeting:${meetingId}`, JSON.stringify({ ...stored, status: 'ended', endedAt: new Date().toISOString() }));
  }

  it('is finished by the next attempt to end it', async () => {
    const { meetingId, chair } = await meetingWithASpeaker();
    await crashRightAfterTheStatus(meetingId);
    expect((await conferenceRecord(meetingId)).holder?.userId).toBe('u-daibieu1');

    expect((await setStatus(nodeB, chair.cookie, meetingId, 'ended')).status).toBe(200);
    expect(await conferenceRecord(meetingId)).toMatchObject({ holder: null, queue: [] });
    expect((await floorLog(meetingId)).map((turn) => [turn.userId, turn.endedBy])).toEqual([['u-daibieu1', 'meeting_ended']]);
    expect(await stack.redis.sIsMember('meetings:ending', meetingId)).toBeFalsy();
    await waitFor(() => chair.statusEvents.some((event) => event.status === 'ended'));
    expect(await sfuPeers(meetingId)).toBeNull();
  });

  it('is finished by the next node to start', async () => {
    const { meetingId, chair } = await meetingWithASpeaker();
    await crashRightAfterTheStatus(meetingId);

    await stack.addNode();
    await waitFor(async () => !(await stack.redis.sIsMember('meetings:ending', meetingId)));
    expect(await conferenceRecord(meetingId)).toMatchObject({ holder: null, queue: [] });
    expect((await floorLog(meetingId)).map((turn) => [turn.userId, turn.endedBy])).toEqual([['u-daibieu1', 'meeting_ended']]);
    // The participants' nodes heard it too: their sockets are out of the room.
    await waitFor(() => chair.statusEvents.some((event) => event.status === 'ended'));
    await waitFor(async () => (await stack.redis.hLen(`meeting:${meetingId}:peers`)) === 0);
  });
});
