import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClientDist, startStack, type TestStack } from './support/harness.js';

let stack: TestStack;
let url: string;
let dist: string;

beforeAll(async () => {
  dist = await fakeClientDist();
  stack = await startStack({ env: { CLIENT_DIST: dist } });
  url = stack.nodes[0]!.url;
});
afterAll(async () => {
  await stack?.stop();
  await rm(dist, { recursive: true, force: true });
});

describe('serving the web app', () => {
  it('serves index.html at / and for the app routes (reload on /meetings/x works)', async () => {
    for (const path of ['/', '/meetings/demo-ubnd-tinh', '/login']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toMatch(/text\/html/);
      expect(await response.text(), path).toContain('<div id="app">');
    }
  });

  it('serves built assets as files', async () => {
    const response = await fetch(`${url}/assets/app.js`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('console.log("ehop")');
  });

  it('never answers the API or health with the app', async () => {
    const api = await fetch(`${url}/api/unknown`);
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: { code: 'not_found', message: 'No such route' } });
    expect((await fetch(`${url}/healthz`)).headers.get('content-type')).toMatch(/json/);
  });
});
