import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAllSockets, connectSocket, getJson, login, sendJson, startStack, type TestStack } from './support/harness.js';

/*
 * Issue 12, item 12: a password reset ends every session of the account, on every device, with the
 * sockets they opened; a disabled account's sessions do not come back when it is enabled again;
 * logging out takes a POST.
 */
let stack: TestStack;
let url: string;
let nodeB: string;
let admin: string;

beforeAll(async () => {
  stack = await startStack();
  nodeB = (await stack.addNode()).url;
  url = stack.nodes[0]!.url;
  admin = await login(url, 'admin');
});
afterEach(() => closeAllSockets());
afterAll(() => stack?.stop());

/** `ehop.sid=s%3A<id>.<signature>` -> the session id express-session stores under `sess:<id>`. */
function sessionIdOf(cookie: string): string {
  return decodeURIComponent(cookie.split('=')[1]!).slice(2).split('.')[0]!;
}

async function signedIn(cookie: string): Promise<boolean> {
  const { status } = await getJson(`${url}/api/auth/me`, cookie);
  if (status !== 200 && status !== 401) throw new Error(`/me answered ${status}`);
  return status === 200;
}

function resetPassword(userId: string, password: string, as = admin): Promise<Response> {
  return sendJson('POST', `${url}/api/admin/users/${userId}/password`, as, { password });
}

describe('resetting a password', () => {
  it('ends every session of the account, on every device and node, and closes their sockets', async () => {
    const laptop = await login(url, 'daibieu1');
    const phone = await login(nodeB, 'daibieu1');
    const laptopSocket = await connectSocket(url, laptop);
    const phoneSocket = await connectSocket(nodeB, phone);
    const closed = [laptopSocket, phoneSocket].map((socket) => new Promise((resolve) => socket.once('disconnect', resolve)));
    const bystander = await login(url, 'daibieu2');
    expect(await stack.redis.sMembers('user:u-daibieu1:sessions')).toEqual(expect.arrayContaining([sessionIdOf(laptop), sessionIdOf(phone)]));

    expect((await resetPassword('u-daibieu1', 'mat-khau-moi-2026')).status).toBe(204);

    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(await signedIn(laptop)).toBe(false);
    expect(await signedIn(phone)).toBe(false);
    expect(await stack.redis.exists([`sess:${sessionIdOf(laptop)}`, `sess:${sessionIdOf(phone)}`])).toBe(0);
    expect(await stack.redis.sMembers('user:u-daibieu1:sessions')).toEqual([]);
    await expect(login(url, 'daibieu1')).rejects.toThrow(/401/);
    expect(await signedIn(await login(url, 'daibieu1', 'mat-khau-moi-2026'))).toBe(true);
    // Nobody else is touched.
    expect(await signedIn(bystander)).toBe(true);
    expect(await signedIn(admin)).toBe(true);
  });

  it("keeps the administrator's own session when they reset their own password, and ends their others", async () => {
    const otherDevice = await login(url, 'admin');
    const here = await login(url, 'admin');
    expect((await resetPassword('u-admin', 'quan-tri-mat-khau-moi', here)).status).toBe(204);
    expect(await signedIn(here)).toBe(true);
    expect(await signedIn(otherDevice)).toBe(false);
    expect(await signedIn(admin)).toBe(false);
    admin = here;
  });
});

describe('disabling an account', () => {
  it('ends its sessions for good: enabling it again does not bring them back', async () => {
    const cookie = await login(url, 'daibieu3');
    expect((await sendJson('POST', `${url}/api/admin/users/u-daibieu3/disabled`, admin, { disabled: true })).status).toBe(200);
    expect((await sendJson('POST', `${url}/api/admin/users/u-daibieu3/disabled`, admin, { disabled: false })).status).toBe(200);
    expect(await signedIn(cookie)).toBe(false);
    expect(await signedIn(await login(url, 'daibieu3'))).toBe(true);
  });
});

describe('logging out', () => {
  it('takes a POST: a GET (a link or an image on any page) logs nobody out', async () => {
    const cookie = await login(url, 'thuky');
    expect((await getJson(`${url}/api/auth/logout`, cookie)).status).toBe(404);
    expect(await signedIn(cookie)).toBe(true);
    expect((await sendJson('POST', `${url}/api/auth/logout`, cookie)).status).toBe(204);
    expect(await signedIn(cookie)).toBe(false);
    expect(await stack.redis.sIsMember('user:u-thuky:sessions', sessionIdOf(cookie))).toBe(0);
  });
});
