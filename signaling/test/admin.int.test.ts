import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdminUser, Directory, ManagedMeeting, MeetingSummary, Unit } from '@ehop/protocol';
import { DEMO_UNITS } from '../src/seed/demo-seed.js';
import {
  closeAllSockets,
  connectSocket,
  errorCode,
  getJson,
  login,
  request,
  sendJson,
  startStack,
  waitFor,
  type TestStack,
} from './support/harness.js';

/*
 * The administration API against a real Redis: only administrators get in, every change is
 * checked, and what it writes is what users then see (logins, meetings, the tree).
 */
let stack: TestStack;
let url: string;
let admin: string;
let chair: string;

beforeAll(async () => {
  stack = await startStack();
  url = stack.nodes[0]!.url;
  admin = await login(url, 'admin');
  chair = await login(url, 'chutri');
});
afterEach(() => closeAllSockets());
afterAll(() => stack?.stop());

const api = (path: string) => `${url}/api/admin${path}`;

async function directory(): Promise<Directory> {
  return Directory.parse(await (await getJson(api('/directory'), admin)).json());
}

async function createUser(fields: Record<string, unknown>): Promise<AdminUser> {
  const response = await sendJson('POST', api('/users'), admin, { password: 'mat-khau-2026', ...fields });
  expect(response.status, await response.clone().text()).toBe(201);
  return AdminUser.parse(await response.json());
}

async function createUnit(fields: Record<string, unknown>): Promise<Unit> {
  const response = await sendJson('POST', api('/units'), admin, fields);
  expect(response.status, await response.clone().text()).toBe(201);
  return Unit.parse(await response.json());
}

async function keysSnapshot(): Promise<string[]> {
  return (await stack.redis.keys('*')).filter((key) => !key.startsWith('sess:') && !key.startsWith('signaling-node:') && !key.startsWith('rate:')).sort();
}

describe('access', () => {
  it('refuses every admin route to a non-administrator with 403, and writes nothing', async () => {
    const before = await keysSnapshot();
    const attempts = [
      getJson(api('/directory'), chair),
      sendJson('POST', api('/users'), chair, { username: 'ke-gian', displayName: 'X', unitId: DEMO_UNITS.province.id, password: 'mat-khau-2026' }),
      sendJson('POST', api('/users/u-daibieu1/disabled'), chair, { disabled: true }),
      sendJson('POST', api('/units'), chair, { name: 'Huyện Giả', level: 'district', parentId: DEMO_UNITS.province.id }),
      sendJson('DELETE', api(`/units/${DEMO_UNITS.commune.id}`), chair),
      sendJson('POST', api('/meetings'), chair, { title: 'Họp', startsAt: '2026-05-12T01:00:00Z' }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(403);
      expect(await errorCode(response)).toBe('forbidden');
    }
    expect(await keysSnapshot()).toEqual(before);
    expect((await getJson(api('/directory'))).status).toBe(401);
  });
});

describe('accounts', () => {
  it('creates a person who can then sign in, and refuses a taken username', async () => {
    const user = await createUser({ username: 'PhoChuTich', displayName: 'Phạm Văn Nam', unitId: DEMO_UNITS.province.id });
    expect(user).toMatchObject({ username: 'phochutich', kind: 'person', isAdmin: false, disabled: false });
    await expect(login(url, 'phochutich', 'mat-khau-2026')).resolves.toMatch(/^ehop\.sid=/);

    const again = await sendJson('POST', api('/users'), admin, { username: 'phochutich', displayName: 'X', unitId: DEMO_UNITS.province.id, password: 'mat-khau-2026' });
    expect(again.status).toBe(409);
  });

  it('answers bad input with invalid_payload and field issues', async () => {
    const response = await sendJson('POST', api('/users'), admin, { username: 'có dấu', displayName: '', unitId: 'tinh-hoa-binh', password: 'short' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(body.error.issues.map((issue) => issue.path).sort()).toEqual(['displayName', 'password', 'username']);
    const unknownUnit = await sendJson('POST', api('/users'), admin, { username: 'abc', displayName: 'A', unitId: 'no-such-unit', password: 'mat-khau-2026' });
    expect(unknownUnit.status).toBe(400);
  });

  it('edits a name and unit, and resets a password (the old one stops working)', async () => {
    const user = await createUser({ username: 'canbo1', displayName: 'Cán bộ 1', unitId: DEMO_UNITS.province.id });
    const edited = await sendJson('PATCH', api(`/users/${user.id}`), admin, { displayName: 'Đỗ Thị Hà', unitId: DEMO_UNITS.district.id });
    expect(AdminUser.parse(await edited.json())).toMatchObject({ displayName: 'Đỗ Thị Hà', unitId: DEMO_UNITS.district.id });

    const reset = await sendJson('POST', api(`/users/${user.id}/password`), admin, { password: 'mat-khau-moi-2026' });
    expect(reset.status).toBe(204);
    await expect(login(url, 'canbo1', 'mat-khau-2026')).rejects.toThrow(/401/);
    await expect(login(url, 'canbo1', 'mat-khau-moi-2026')).resolves.toBeTruthy();
  });

  it('disables an account: no login, its session and its sockets stop at once; enabling restores it', async () => {
    const user = await createUser({ username: 'canbo2', displayName: 'Cán bộ 2', unitId: DEMO_UNITS.province.id });
    const cookie = await login(url, 'canbo2', 'mat-khau-2026');
    const socket = await connectSocket(url, cookie);
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));

    const response = await sendJson('POST', api(`/users/${user.id}/disabled`), admin, { disabled: true });
    expect(AdminUser.parse(await response.json()).disabled).toBe(true);
    await expect(disconnected).resolves.toBe('io server disconnect');
    expect((await getJson(`${url}/api/auth/me`, cookie)).status).toBe(401);
    await expect(login(url, 'canbo2', 'mat-khau-2026')).rejects.toThrow(/401/);

    await sendJson('POST', api(`/users/${user.id}/disabled`), admin, { disabled: false });
    await expect(login(url, 'canbo2', 'mat-khau-2026')).resolves.toBeTruthy();
  });

  it('keeps an administrator from locking themselves out', async () => {
    expect((await sendJson('POST', api('/users/u-admin/disabled'), admin, { disabled: true })).status).toBe(409);
    expect((await sendJson('PATCH', api('/users/u-admin'), admin, { isAdmin: false })).status).toBe(409);
  });

  it('creates an endpoint account for a unit and shows it online while its device is connected', async () => {
    const endpoint = await createUser({ username: 'diemcau-moi', displayName: 'Điểm cầu mới', unitId: DEMO_UNITS.commune.id, kind: 'endpoint' });
    expect(endpoint.kind).toBe('endpoint');
    expect((await directory()).onlineUserIds).not.toContain(endpoint.id);

    const socket = await connectSocket(url, await login(url, 'diemcau-moi', 'mat-khau-2026'));
    expect((await directory()).onlineUserIds).toContain(endpoint.id);
    socket.disconnect();
    await waitFor(async () => !(await directory()).onlineUserIds.includes(endpoint.id));
  });
});

describe('organisational tree', () => {
  it('builds districts under a province and communes under districts, and refuses anything else', async () => {
    const district = await createUnit({ name: 'Huyện Kim Bôi', level: 'district', parentId: DEMO_UNITS.province.id });
    const commune = await createUnit({ name: 'Xã Vĩnh Đồng', level: 'commune', parentId: district.id });
    expect(commune).toMatchObject({ level: 'commune', parentId: district.id });
    expect(commune.id).toMatch(/^xa-vinh-dong-/);

    const wrong = await sendJson('POST', api('/units'), admin, { name: 'Xã Lạc', level: 'commune', parentId: DEMO_UNITS.province.id });
    expect(wrong.status).toBe(400);
    const moveWrong = await sendJson('PATCH', api(`/units/${commune.id}`), admin, { parentId: DEMO_UNITS.province.id });
    expect(moveWrong.status).toBe(400);
  });

  it('renames and moves a unit; the directory shows the new tree', async () => {
    const commune = await createUnit({ name: 'Xã Cũ', level: 'commune', parentId: DEMO_UNITS.district.id });
    const other = await createUnit({ name: 'Huyện Tân Lạc', level: 'district', parentId: DEMO_UNITS.province.id });
    const response = await sendJson('PATCH', api(`/units/${commune.id}`), admin, { name: 'Xã Mường Khến', parentId: other.id });
    expect(response.status).toBe(200);
    const stored = (await directory()).units.find((unit) => unit.id === commune.id);
    expect(stored).toEqual({ id: commune.id, name: 'Xã Mường Khến', level: 'commune', parentId: other.id });
  });

  it('deletes a unit only when it has no sub-units and no accounts', async () => {
    const district = await createUnit({ name: 'Huyện Cao Phong', level: 'district', parentId: DEMO_UNITS.province.id });
    const commune = await createUnit({ name: 'Xã Thu Phong', level: 'commune', parentId: district.id });
    await createUser({ username: 'diemcau-thuphong', displayName: 'Điểm cầu xã Thu Phong', unitId: commune.id, kind: 'endpoint' });

    expect((await sendJson('DELETE', api(`/units/${district.id}`), admin)).status).toBe(409);
    expect((await sendJson('DELETE', api(`/units/${commune.id}`), admin)).status).toBe(409);
    expect((await directory()).units.map((unit) => unit.id)).toContain(commune.id);

    const empty = await createUnit({ name: 'Xã Trống', level: 'commune', parentId: district.id });
    expect((await sendJson('DELETE', api(`/units/${empty.id}`), admin)).status).toBe(204);
    expect((await directory()).units.map((unit) => unit.id)).not.toContain(empty.id);
    expect(await stack.redis.exists(`unit:${empty.id}`)).toBe(0);
  });
});

describe('meetings', () => {
  const draftInput = {
    title: 'Họp giao ban tháng 5',
    startsAt: '2026-05-12T08:00:00+07:00',
    location: 'Phòng họp số 1',
    invitedUnitIds: [DEMO_UNITS.district.id],
    members: [
      { userId: 'u-chutri', role: 'chair' },
      { userId: 'u-thuky', role: 'secretary' },
      { userId: 'u-daibieu1', role: 'delegate' },
    ],
  };

  async function createMeeting(): Promise<ManagedMeeting> {
    const response = await sendJson('POST', api('/meetings'), admin, draftInput);
    expect(response.status, await response.clone().text()).toBe(201);
    return ManagedMeeting.parse(await response.json());
  }

  async function myMeetingIds(cookie: string): Promise<string[]> {
    return MeetingSummary.array().parse(await (await getJson(`${url}/api/meetings`, cookie)).json()).map((meeting) => meeting.id);
  }

  const setStatus = (meetingId: string, cookie: string, status: string) =>
    sendJson('POST', `${url}/api/meetings/${meetingId}/status`, cookie, { status });

  it('creates a draft with the invited unit\'s endpoint, hidden from ordinary invitees until published', async () => {
    const meeting = await createMeeting();
    expect(meeting).toMatchObject({ status: 'draft', organizerId: 'u-admin', startsAt: '2026-05-12T01:00:00.000Z' });
    expect(meeting.members).toContainEqual({ userId: 'u-diemcau-huyen', role: 'endpoint' });

    const delegate = await login(url, 'daibieu1');
    expect(await myMeetingIds(delegate)).not.toContain(meeting.id);
    expect((await getJson(`${url}/api/meetings/${meeting.id}`, delegate)).status).toBe(403);
    const socket = await connectSocket(url, delegate);
    expect(await request(socket, 'meeting:join', { meetingId: meeting.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(socket, 'agenda:get', { meetingId: meeting.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await myMeetingIds(chair)).toContain(meeting.id);

    expect((await setStatus(meeting.id, admin, 'published')).status).toBe(200);
    expect(await myMeetingIds(delegate)).toContain(meeting.id);
  });

  it('moves draft -> published -> in_progress -> ended only by the right people, in order', async () => {
    const { id } = await createMeeting();
    const delegate = await login(url, 'daibieu1');
    const stored = async () => ManagedMeeting.parse(await (await getJson(api(`/meetings/${id}`), admin)).json()).status;

    expect((await setStatus(id, delegate, 'published')).status).toBe(403);
    expect((await setStatus(id, chair, 'in_progress')).status).toBe(409);
    expect(await stored()).toBe('draft');

    expect((await setStatus(id, chair, 'published')).status).toBe(200);
    expect((await setStatus(id, admin, 'in_progress')).status).toBe(403);
    expect((await setStatus(id, chair, 'in_progress')).status).toBe(200);
    expect((await setStatus(id, chair, 'published')).status).toBe(409);
    expect(await stored()).toBe('in_progress');

    expect((await setStatus(id, chair, 'ended')).status).toBe(200);
    const again = await setStatus(id, chair, 'in_progress');
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe('meeting_ended');

    const socket = await connectSocket(url, delegate);
    const join = await request(socket, 'meeting:join', { meetingId: id });
    expect(join).toMatchObject({ ok: false, error: { code: 'meeting_ended', message: 'This meeting has ended' } });
    expect(await stack.redis.exists(`meeting:${id}:peers`)).toBe(0);

    const edit = await sendJson('PUT', api(`/meetings/${id}`), admin, draftInput);
    expect(await errorCode(edit)).toBe('meeting_ended');
  });

  it('publishes only with a chair', async () => {
    const response = await sendJson('POST', api('/meetings'), admin, { ...draftInput, members: [{ userId: 'u-daibieu1', role: 'delegate' }] });
    const meeting = ManagedMeeting.parse(await response.json());
    expect((await setStatus(meeting.id, admin, 'published')).status).toBe(409);
  });

  it('edits a meeting: new members become invitees, removed ones lose it', async () => {
    const meeting = await createMeeting();
    await setStatus(meeting.id, admin, 'published');
    const members = [...draftInput.members.filter((member) => member.userId !== 'u-daibieu1'), { userId: 'u-daibieu2', role: 'delegate' }];
    const response = await sendJson('PUT', api(`/meetings/${meeting.id}`), admin, { ...draftInput, title: 'Họp giao ban (sửa)', members });
    expect(ManagedMeeting.parse(await response.json())).toMatchObject({ title: 'Họp giao ban (sửa)', status: 'published' });
    expect(await myMeetingIds(await login(url, 'daibieu2'))).toContain(meeting.id);
    expect(await myMeetingIds(await login(url, 'daibieu1'))).not.toContain(meeting.id);
  });

  it('refuses an invalid meeting form with field issues', async () => {
    const response = await sendJson('POST', api('/meetings'), admin, { title: '', startsAt: 'tomorrow', members: [{ userId: 'u-chutri', role: 'king' }] });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { issues: { path: string }[] } };
    expect(body.error.issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['title', 'startsAt', 'members.0.role']));
  });
});
