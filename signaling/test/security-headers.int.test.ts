import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, selfSignedCertificate, type CertificateFiles } from '@ehop/testkit';
import { DEFAULT_DEMO_PASSWORD } from '../src/seed/demo-seed.js';
import { fakeClientDist, login, startStack, type TestStack } from './support/harness.js';

/*
 * Issue 12, item 12: security headers on every answer (a Content-Security-Policy without inline
 * scripts, no framing, no MIME sniffing, no Referer), and Secure cookies whenever TLS is on.
 * (That the built app runs under this policy is checked in Chromium: e2e/tests/security.spec.ts.)
 */
let dist: string;

beforeAll(async () => {
  dist = await fakeClientDist();
});
afterAll(() => rm(dist, { recursive: true, force: true }));

/** The policy as directive -> sources. */
function parseCsp(header: string | null): Map<string, string[]> {
  expect(header).toBeTruthy();
  return new Map(
    header!
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('over HTTP', () => {
  let stack: TestStack;
  let url: string;
  beforeAll(async () => {
    stack = await startStack({ env: { CLIENT_DIST: dist } });
    url = stack.nodes[0]!.url;
  });
  afterAll(() => stack?.stop());

  it('sends the same headers with the app, its assets, the API and its errors', async () => {
    const cookie = await login(url, 'chutri');
    for (const path of ['/', '/meetings/demo-ubnd-tinh', '/assets/app.js', '/api/meetings', '/api/no-such-route']) {
      const response = await fetch(`${url}${path}`, { headers: { cookie } });
      const headers = response.headers;
      const csp = parseCsp(headers.get('content-security-policy'));
      expect(csp.get('default-src'), path).toEqual(["'self'"]);
      expect(csp.get('script-src'), path).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      expect(csp.get('object-src'), path).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors'), path).toEqual(["'none'"]);
      // Over plain HTTP (a LAN demo) upgrading every request would break the app.
      expect(csp.has('upgrade-insecure-requests'), path).toBe(false);
      expect(headers.get('x-frame-options'), path).toBe('DENY');
      expect(headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(headers.get('strict-transport-security'), path).toBeNull();
      expect(headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('allows no inline script or eval anywhere in the policy', async () => {
    const policy = (await fetch(`${url}/`)).headers.get('content-security-policy')!;
    const scripts = [...parseCsp(policy)].filter(([name]) => name.startsWith('script-src') || name === 'default-src');
    expect(scripts.flatMap(([, sources]) => sources)).not.toEqual(expect.arrayContaining(["'unsafe-inline'"]));
    expect(policy).not.toContain("'unsafe-eval'");
  });

  it('sends the session cookie without Secure over plain HTTP (else the demo could not log in)', async () => {
    const response = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'thuky', password: DEFAULT_DEMO_PASSWORD }),
    });
    expect(response.headers.getSetCookie()[0]).toMatch(/HttpOnly/i);
    expect(response.headers.getSetCookie()[0]).not.toMatch(/Secure/i);
  });
});

describe('over TLS (TLS_CERT_FILE and TLS_KEY_FILE, COOKIE_SECURE not set)', () => {
  let stack: TestStack;
  let url: string;
  let certificate: CertificateFiles;
  let certDir: string;

  beforeAll(async () => {
    certDir = await mkdtemp(join(tmpdir(), 'ehop-tls-'));
    certificate = await selfSignedCertificate(certDir);
    stack = await startStack({ env: { CLIENT_DIST: dist, TLS_CERT_FILE: certificate.certFile, TLS_KEY_FILE: certificate.keyFile } });
    url = stack.nodes[0]!.url;
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(certDir, { recursive: true, force: true });
  });

  it('marks the session cookie Secure, and asks browsers to stay on HTTPS', async () => {
    expect(url).toMatch(/^https:/);
    const answer = await postJson(`${url}/api/auth/login`, { username: 'thuky', password: DEFAULT_DEMO_PASSWORD }, certificate.caFile);
    expect(answer.status).toBe(200);
    expect(answer.setCookie).toHaveLength(1);
    expect(answer.setCookie[0]).toMatch(/^ehop\.sid=.*;\s*Secure/i);
    expect(answer.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(parseCsp(String(answer.headers['content-security-policy'])).has('upgrade-insecure-requests')).toBe(true);
    // No SFU in this stack: /healthz says degraded, over HTTPS.
    expect((await getJson(`${url}/healthz`, { caFile: certificate.caFile })).body).toMatchObject({ service: 'signaling' });
  });
});

function postJson(url: string, body: unknown, caFile: string): Promise<{ status: number; headers: Record<string, unknown>; setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest(url, { method: 'POST', ca: readFileSync(caFile), headers: { 'content-type': 'application/json' } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, setCookie: response.headers['set-cookie'] ?? [] }));
    });
    outgoing.on('error', reject);
    outgoing.end(JSON.stringify(body));
  });
}
