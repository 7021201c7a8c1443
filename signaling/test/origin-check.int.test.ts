import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MEETING_ID } from '../src/seed/demo-seed.js';
import { multiPagePdf, uploadForm } from './support/document-fixtures.js';
import { closeAllSockets, connectSocket, errorCode, getJson, login, startStack, type TestStack } from './support/harness.js';

/*
 * Issue 12, item 11: a page on another origin, carrying the chair's cookie, got full socket access
 * and could upload. Browsers name the page's origin in `Origin`; the server refuses every foreign one
 * on the socket.io handshake and on every state-changing HTTP request, and changes nothing.
 */
const TRANSPORTS = [['polling'], ['websocket']] as const;

let stack: TestStack;
let url: string;
let ownOrigin: string;
/** Another site, an opaque origin (sandboxed frame), and another port of this host (same site for SameSite). */
let foreignOrigins: string[];
let chair: string;
let admin: string;

beforeAll(async () => {
  stack = await startStack();
  url = stack.nodes[0]!.url;
  ownOrigin = new URL(url).origin;
  foreignOrigins = ['https://evil.example', 'null', `http://127.0.0.1:${Number(new URL(url).port) + 1}`];
  chair = await login(url, 'chutri');
  admin = await login(url, 'admin');
});
afterEach(() => closeAllSockets());
afterAll(() => stack?.stop());

function uploadPdf(cookie: string, headers: Record<string, string>, pdf: Buffer): Promise<Response> {
  return fetch(`${url}/api/meetings/${DEMO_MEETING_ID}/documents`, { method: 'POST', headers: { cookie, ...headers }, body: uploadForm(pdf, 'Tờ trình.pdf') });
}

async function storedDocuments(): Promise<{ keys: string[]; files: string[] }> {
  const files = await readdir(join(stack.dataDir, 'documents'), { recursive: true }).catch(() => []);
  return { keys: (await stack.redis.keys('document*')).sort(), files: files.sort() };
}

describe('socket.io handshake', () => {
  it.each(TRANSPORTS)('refuses a valid session cookie sent from a foreign page (%s)', async (transport) => {
    for (const origin of foreignOrigins) {
      await expect(connectSocket(url, chair, [transport], { origin }), origin).rejects.toThrow();
    }
  });

  it.each(TRANSPORTS)('accepts the app on its own origin, and clients that are not web pages (%s)', async (transport) => {
    const fromApp = await connectSocket(url, chair, [transport], { origin: ownOrigin });
    const fromTool = await connectSocket(url, chair, [transport]);
    expect(fromApp.connected && fromTool.connected).toBe(true);
  });
});

describe('state-changing HTTP requests', () => {
  it('refuses an upload from a foreign page with 403 and stores nothing', async () => {
    const pdf = await multiPagePdf(2);
    const before = await storedDocuments();
    for (const origin of foreignOrigins) {
      const response = await uploadPdf(chair, { origin }, pdf);
      expect(response.status, origin).toBe(403);
      expect(await errorCode(response)).toBe('forbidden');
    }
    // No Origin, but a Referer on another site, or Sec-Fetch-Site saying the request crossed sites.
    expect((await uploadPdf(chair, { referer: 'https://evil.example/page' }, pdf)).status).toBe(403);
    expect((await uploadPdf(chair, { 'sec-fetch-site': 'same-site' }, pdf)).status).toBe(403);
    expect(await storedDocuments()).toEqual(before);

    expect((await uploadPdf(chair, { origin: ownOrigin, 'sec-fetch-site': 'same-origin' }, pdf)).status).toBe(201);
    expect((await storedDocuments()).keys.length).toBeGreaterThan(before.keys.length);
  });

  it('refuses an account change and a logout from a foreign page, and both work from the app', async () => {
    const newUser = { username: 'nguoi-la', displayName: 'Người lạ', unitId: 'tinh-hoa-binh', password: 'mat-khau-2026', isAdmin: true };
    const createUser = (origin: string) =>
      fetch(`${url}/api/admin/users`, { method: 'POST', headers: { cookie: admin, origin, 'content-type': 'application/json' }, body: JSON.stringify(newUser) });
    const logout = (origin: string) => fetch(`${url}/api/auth/logout`, { method: 'POST', headers: { cookie: chair, origin } });

    for (const origin of foreignOrigins) {
      expect((await createUser(origin)).status, origin).toBe(403);
      expect((await logout(origin)).status, origin).toBe(403);
    }
    expect(await stack.redis.hGet('users:by-username', 'nguoi-la')).toBeNull();
    expect((await getJson(`${url}/api/auth/me`, chair)).status).toBe(200);

    expect((await createUser(ownOrigin)).status).toBe(201);
    expect((await logout(ownOrigin)).status).toBe(204);
    expect((await getJson(`${url}/api/auth/me`, chair)).status).toBe(401);
    chair = await login(url, 'chutri');
  });

  it('still serves reads to any origin (they change nothing and CORS keeps their answers from other pages)', async () => {
    expect((await fetch(`${url}/api/auth/me`, { headers: { cookie: admin, origin: 'https://evil.example' } })).status).toBe(200);
  });
});

describe('with ALLOWED_ORIGINS configured', () => {
  let listed: TestStack;
  const PUBLIC_ORIGIN = 'https://ehop.hoabinh.gov.vn';

  beforeAll(async () => {
    listed = await startStack({ env: { ALLOWED_ORIGINS: PUBLIC_ORIGIN } });
  });
  afterAll(() => listed?.stop());

  it('accepts exactly the listed origins, on the socket and over HTTP', async () => {
    const nodeUrl = listed.nodes[0]!.url;
    const cookie = await login(nodeUrl, 'thuky');
    await expect(connectSocket(nodeUrl, cookie, ['websocket'], { origin: PUBLIC_ORIGIN })).resolves.toBeTruthy();
    // The Host the request was sent to no longer counts: behind a proxy it is not the public name.
    await expect(connectSocket(nodeUrl, cookie, ['websocket'], { origin: new URL(nodeUrl).origin })).rejects.toThrow();
    const logout = (origin: string) => fetch(`${nodeUrl}/api/auth/logout`, { method: 'POST', headers: { cookie, origin } });
    expect((await logout('https://evil.example')).status).toBe(403);
    expect((await logout(PUBLIC_ORIGIN)).status).toBe(204);
  });
});
