import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { LoginRequest, MeetingIdParams, RequestError } from '@ehop/protocol';
import { errorHandler } from '../src/http/errors.js';
import { validated } from '../src/http/validate.js';

/** A tiny real express app using the helper the way every route does. */
const seen: unknown[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(express.json());
  app.post(
    '/meetings/:meetingId/login',
    validated({ params: MeetingIdParams, body: LoginRequest }, ({ params, body }, _req, res) => {
      seen.push({ params, body });
      res.json({ meetingId: params.meetingId, username: body.username });
    }),
  );
  app.get(
    '/fails/:meetingId',
    validated({ params: MeetingIdParams }, () => {
      throw new RequestError('forbidden', 'nope');
    }),
  );
  app.use(errorHandler(pino({ level: 'silent' })));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('validated()', () => {
  it('hands the handler the parsed input (schema transforms applied)', async () => {
    seen.length = 0;
    const response = await post('/meetings/m-1/login', { username: '  chutri  ', password: 'x', extra: 'dropped' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ meetingId: 'm-1', username: 'chutri' });
    expect(seen).toEqual([{ params: { meetingId: 'm-1' }, body: { username: 'chutri', password: 'x' } }]);
  });

  it('answers a bad body with 400 invalid_payload and field issues, without running the handler', async () => {
    seen.length = 0;
    const response = await post('/meetings/m-1/login', { username: '', password: 42 });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string; issues: { path: string }[] } };
    expect(error.code).toBe('invalid_payload');
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['password', 'username']);
    expect(seen).toEqual([]);
  });

  it('checks params too', async () => {
    seen.length = 0;
    const response = await post(`/meetings/${encodeURIComponent('a:b')}/login`, { username: 'u', password: 'p' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { issues: { path: string }[] } }).error.issues[0]?.path).toBe('meetingId');
    expect(seen).toEqual([]);
  });

  it('answers a missing body as invalid_payload, not as a crash', async () => {
    const response = await fetch(`${base}/meetings/m-1/login`, { method: 'POST' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_payload');
  });

  it('lets errors thrown by the handler reach the error handler with their code', async () => {
    const response = await fetch(`${base}/fails/m-1`);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: 'forbidden', message: 'nope' } });
  });
});
