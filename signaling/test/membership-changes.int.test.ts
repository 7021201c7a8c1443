import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { AdminUser, ManagedMeeting, type MeetingRole } from '@ehop/protocol';
import type { SfuClient } from '../src/media/sfu-client.js';
import { DEMO_MEETING_ID } from '../src/seed/demo-seed.js';
import {
  closeAllSockets,
  connectSfuProbe,
  collectEvents,
  connectSocket,
  getJson,
  login,
  nextEvent,
  request,
  sendJson,
  sleep,
  startTwoNodeStack,
  waitFor,
  type TwoNodeStack,
} from './support/harness.js';
import { opusMicRtpParameters } from './support/rtp-fixtures.js';

/*
 * Role and membership changes reach sockets that are already open (issue 12, item 7): the
 * administrator saves on node A, the member's socket is on node B, the SFU is real.
 */
let system: TwoNodeStack;
let sfuProbe: SfuClient;
let admin: string;
let original: ManagedMeeting;

const meetingUrl = () => `${system.nodeA}/api/admin/meetings/${DEMO_MEETING_ID}`;

beforeAll(async () => {
  system = await startTwoNodeStack();
  sfuProbe = await connectSfuProbe(system.sfu);
  admin = await login(system.nodeA, 'admin');
  original = ManagedMeeting.parse(await (await getJson(meetingUrl(), admin)).json());
});
afterEach(async () => {
  closeAllSockets();
  await waitFor(async () => (await system.stack.redis.hLen(`meeting:${DEMO_MEETING_ID}:peers`)) === 0);
  expect((await saveMembers(original.members)).status).toBe(200);
});
afterAll(async () => {
  sfuProbe?.close();
  await system?.stop();
});

/** The administrator's edit of the demo meeting with these members (everything else unchanged). */
function saveMembers(members: { userId: string; role: MeetingRole }[]): Promise<Response> {
  const { title, startsAt, location, invitedUnitIds, quorum } = original;
  return sendJson('PUT', meetingUrl(), admin, { title, startsAt, location, invitedUnitIds, quorum, members });
}

function withRoles(changes: Record<string, MeetingRole | null>) {
  return original.members.flatMap((member) => {
    const role = member.userId in changes ? changes[member.userId] : member.role;
    return role ? [{ userId: member.userId, role }] : [];
  });
}

async function joinAs(url: string, username: string): Promise<{ socket: Socket; peerId: string }> {
  const socket = await connectSocket(url, await login(url, username));
  const ack = await request(socket, 'meeting:join', { meetingId: DEMO_MEETING_ID });
  if (!ack.ok) throw new Error(`${username} could not join: ${ack.error.code}`);
  return { socket, peerId: ack.data.self.peerId };
}

const peersAtSfu = async () => (await sfuProbe.request('room:stats', { roomId: DEMO_MEETING_ID })).peers;

describe('a chair demoted by an administrator', () => {
  it('loses floor, mute and main-screen powers on the socket already joined, at once, and the microphone the chair may always use', async () => {
    const chair = await joinAs(system.nodeB, 'chutri');
    await joinAs(system.nodeA, 'daibieu1');
    expect(await request(chair.socket, 'floor:setMode', { mode: 'floor' })).toMatchObject({ ok: true });
    // The chair may always speak: the microphone runs without the floor.
    const send = await request(chair.socket, 'media:createTransport', { direction: 'send' });
    if (!send.ok) throw new Error(send.error.message);
    const mic = await request(chair.socket, 'media:produce', { transportId: send.data.id, kind: 'audio', source: 'mic', rtpParameters: opusMicRtpParameters(12_121_212) });
    if (!mic.ok) throw new Error(mic.error.message);
    const told = nextEvent(chair.socket, 'meeting:membershipChanged');
    const muted = nextEvent(chair.socket, 'media:producerPaused');
    const selfUpdate = nextEvent(chair.socket, 'peer:updated');

    const saved = await saveMembers(withRoles({ 'u-chutri': 'delegate', 'u-daibieu3': 'chair' }));
    expect(saved.status).toBe(200);

    const chairActions: [string, unknown][] = [
      ['floor:grant', { userId: 'u-daibieu1' }],
      ['floor:setMode', { mode: 'open' }],
      ['floor:mute', { target: 'all' }],
      ['floor:mute', { target: 'user', userId: 'u-daibieu1' }],
      ['mainScreen:set', { selection: { mode: 'endpoint', userId: 'u-daibieu1' } }],
      ['floor:dismiss', { userId: 'u-daibieu1' }],
    ];
    for (const [name, payload] of chairActions) {
      expect(await request(chair.socket, name as 'floor:grant', payload), name).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(await told).toEqual({ meetingId: DEMO_MEETING_ID, role: 'delegate' });
    expect(await selfUpdate).toMatchObject({ peerId: chair.peerId, role: 'delegate' });
    expect(await muted).toEqual({ producerId: mic.data.producerId, source: 'mic' });
    // As a delegate now, they may ask to speak like everyone else.
    expect(await request(chair.socket, 'floor:request', { kind: 'speak' })).toMatchObject({ ok: true });
  });
});

describe('a member removed by an administrator', () => {
  it("stops receiving the meeting's events on the open socket, and its SFU peer is gone", async () => {
    const chair = await joinAs(system.nodeA, 'chutri');
    const removed = await joinAs(system.nodeB, 'daibieu2');
    expect(await request(removed.socket, 'documents:subscribe', { meetingId: DEMO_MEETING_ID })).toMatchObject({ ok: true });
    expect(await peersAtSfu()).toBe(2);
    const told = nextEvent(removed.socket, 'meeting:membershipChanged');
    const left = nextEvent(chair.socket, 'peer:left');

    expect((await saveMembers(withRoles({ 'u-daibieu2': null }))).status).toBe(200);
    expect(await told).toEqual({ meetingId: DEMO_MEETING_ID, role: null });
    expect(await left).toEqual({ peerId: removed.peerId });
    await waitFor(async () => (await peersAtSfu()) === 1);
    expect(await system.stack.redis.hKeys(`meeting:${DEMO_MEETING_ID}:peers`)).toEqual([chair.peerId]);

    // What the meeting says from now on does not reach the removed member.
    const heard: string[] = [];
    removed.socket.onAny((event: string) => heard.push(event));
    const chairHears = collectEvents(chair.socket, 'conference:state');
    expect(await request(chair.socket, 'floor:setMode', { mode: 'open' })).toMatchObject({ ok: true });
    await joinAs(system.nodeB, 'daibieu1');
    expect(await request(chair.socket, 'presentation:designate', { meetingId: DEMO_MEETING_ID, userId: 'u-daibieu1' })).toMatchObject({ ok: true });
    await waitFor(() => chairHears.length > 0);
    await sleep(300);
    expect(heard).toEqual([]);
    expect(await request(removed.socket, 'media:createTransport', { direction: 'recv' })).toMatchObject({ ok: false, error: { code: 'not_in_meeting' } });
    expect(await request(removed.socket, 'meeting:join', { meetingId: DEMO_MEETING_ID })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('an account disabled by an administrator', () => {
  it('has its joined sockets disconnected and its SFU peer closed', async () => {
    const endpoint = await joinAs(system.nodeB, 'diemcau-xa');
    expect(await peersAtSfu()).toBe(1);
    const disconnected = new Promise((resolve) => endpoint.socket.once('disconnect', resolve));
    const response = await sendJson('POST', `${system.nodeA}/api/admin/users/u-diemcau-xa/disabled`, admin, { disabled: true });
    expect(AdminUser.parse(await response.json()).disabled).toBe(true);
    try {
      await expect(disconnected).resolves.toBe('io server disconnect');
      await waitFor(async () => (await peersAtSfu()) === 0);
    } finally {
      await sendJson('POST', `${system.nodeA}/api/admin/users/u-diemcau-xa/disabled`, admin, { disabled: false });
    }
  });
});
