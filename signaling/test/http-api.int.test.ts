import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Health, MeetingDetail, MeetingSummary, User } from '@ehop/protocol';
import { DEMO_MEETING_ID, RESTRICTED_MEETING_ID } from '../src/seed/demo-seed.js';
import { getJson, login, sessionCookie, startStack, type TestStack } from './support/harness.js';

let stack: TestStack;
let url: string;

beforeAll(async () => {
  stack = await startStack();
  url = stack.nodes[0]!.url;
});
afterAll(() => stack?.stop());

function postLogin(body: unknown): Promise<Response> {
  return fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function sessionKeys(): Promise<string[]> {
  return stack.redis.keys('sess:*');
}

describe('login', () => {
  it('logs in with the right password, sets an httpOnly session cookie and /me returns the user', async () => {
    const response = await postLogin({ username: 'chutri', password: 'ehop-demo-2026' });
    expect(response.status).toBe(200);
    const user = User.parse(await response.json());
    expect(user).toMatchObject({ id: 'u-chutri', username: 'chutri', isAdmin: false, unitId: 'tinh-hoa-binh' });
    expect(user).not.toHaveProperty('passwordHash');

    const setCookie = response.headers.getSetCookie().find((header) => header.startsWith('ehop.sid='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i);

    const me = await getJson(`${url}/api/auth/me`, sessionCookie(response));
    expect(me.status).toBe(200);
    expect(User.parse(await me.json()).id).toBe('u-chutri');
  });

  it('matches usernames case-insensitively', async () => {
    const response = await postLogin({ username: '  ChuTri ', password: 'ehop-demo-2026' });
    expect(response.status).toBe(200);
  });

  it('refuses a wrong password and an unknown user with the same generic error, and opens no session', async () => {
    const before = await sessionKeys();
    const wrongPassword = await postLogin({ username: 'chutri', password: 'not-the-password' });
    const unknownUser = await postLogin({ username: 'nobody-here', password: 'ehop-demo-2026' });

    for (const response of [wrongPassword, unknownUser]) {
      expect(response.status).toBe(401);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    const bodies = [await wrongPassword.json(), await unknownUser.json()];
    expect(bodies[0]).toEqual({ error: { code: 'unauthenticated', message: 'Invalid username or password' } });
    expect(bodies[1]).toEqual(bodies[0]);
    expect(await sessionKeys()).toEqual(before);
  });

  it('answers malformed login bodies with invalid_payload and field issues', async () => {
    const missingPassword = await postLogin({ username: 'chutri' });
    expect(missingPassword.status).toBe(400);
    const body = (await missingPassword.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(body.error.code).toBe('invalid_payload');
    expect(body.error.issues.map((issue) => issue.path)).toContain('password');

    const notJson = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":',
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('invalid_payload');
  });

  it('issues a new session id at login (no session fixation)', async () => {
    const first = await login(url, 'thuky');
    const again = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: first },
      body: JSON.stringify({ username: 'thuky', password: 'ehop-demo-2026' }),
    });
    const second = sessionCookie(again);
    expect(second).not.toBe(first);
    expect((await getJson(`${url}/api/auth/me`, first)).status).toBe(401);
    expect((await getJson(`${url}/api/auth/me`, second)).status).toBe(200);
  });

  it('logs out: the session is destroyed in Redis and the cookie no longer works', async () => {
    const cookie = await login(url, 'daibieu1');
    const sessionId = decodeURIComponent(cookie.split('=')[1]!).slice(2).split('.')[0]!;
    expect(await stack.redis.exists(`sess:${sessionId}`)).toBe(1);

    const response = await fetch(`${url}/api/auth/logout`, { method: 'POST', headers: { cookie } });
    expect(response.status).toBe(204);
    expect(await stack.redis.exists(`sess:${sessionId}`)).toBe(0);
    expect((await getJson(`${url}/api/auth/me`, cookie)).status).toBe(401);
  });

  it('answers /me without a session with 401 unauthenticated', async () => {
    const response = await getJson(`${url}/api/auth/me`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
  });
});

describe('meetings', () => {
  it('lists only the meetings the caller is invited to, with their role', async () => {
    const delegate2 = await login(url, 'daibieu2');
    const list = MeetingSummary.array().parse(await (await getJson(`${url}/api/meetings`, delegate2)).json());
    expect(list.map((meeting) => meeting.id)).toEqual([DEMO_MEETING_ID]);
    expect(list[0]!.myRole).toBe('delegate');

    const chair = await login(url, 'chutri');
    const chairList = MeetingSummary.array().parse(await (await getJson(`${url}/api/meetings`, chair)).json());
    expect(chairList.map((meeting) => meeting.id).sort()).toEqual([RESTRICTED_MEETING_ID, DEMO_MEETING_ID].sort());
    expect(chairList.every((meeting) => meeting.myRole === 'chair')).toBe(true);
  });

  it('shows a meeting to an invited member with every member, role and unit', async () => {
    const endpoint = await login(url, 'diemcau-xa');
    const response = await getJson(`${url}/api/meetings/${DEMO_MEETING_ID}`, endpoint);
    expect(response.status).toBe(200);
    const detail = MeetingDetail.parse(await response.json());
    expect(detail.myRole).toBe('endpoint');
    expect(detail.members).toHaveLength(9);
    expect(detail.members.find((member) => member.userId === 'u-chutri')).toMatchObject({
      role: 'chair',
      unit: { name: 'Tỉnh Hòa Bình', level: 'province', parentId: null },
    });
    expect(detail.members.find((member) => member.userId === 'u-diemcau-xa')?.unit).toMatchObject({
      name: 'Xã Ân Nghĩa',
      level: 'commune',
      parentId: 'huyen-lac-son',
    });
  });

  it('refuses a meeting the caller is not invited to with 403 forbidden, and reveals nothing of it', async () => {
    const delegate2 = await login(url, 'daibieu2');
    const response = await getJson(`${url}/api/meetings/${RESTRICTED_MEETING_ID}`, delegate2);
    expect(response.status).toBe(403);
    const body = (await response.json()) as { error: { code: string } };
    expect(body).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
  });

  it('answers 404 not_found for a missing meeting and 400 for a malformed id', async () => {
    const chair = await login(url, 'chutri');
    const missing = await getJson(`${url}/api/meetings/no-such-meeting`, chair);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');

    const malformed = await getJson(`${url}/api/meetings/${encodeURIComponent('bad id!')}`, chair);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('invalid_payload');
  });

  it('requires a session', async () => {
    expect((await getJson(`${url}/api/meetings`)).status).toBe(401);
    expect((await getJson(`${url}/api/meetings/${DEMO_MEETING_ID}`)).status).toBe(401);
  });
});

describe('health and routing', () => {
  it('reports Redis up and the SFU down as degraded (503)', async () => {
    const response = await getJson(`${url}/healthz`);
    expect(response.status).toBe(503);
    expect(Health.parse(await response.json())).toEqual({
      status: 'degraded',
      service: 'signaling',
      checks: { redis: true, sfu: false },
    });
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const response = await getJson(`${url}/api/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'No such route' } });
  });
});
