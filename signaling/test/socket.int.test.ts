import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientRequests, type ClientRequestName } from '@ehop/protocol';
import { DEMO_MEETING_ID, RESTRICTED_MEETING_ID } from '../src/seed/demo-seed.js';
import { closeAllSockets, connectSocket, login, request, startStack, type TestStack } from './support/harness.js';

/*
 * socket.io behaviour that needs no media server: the SFU URL points at a closed port here,
 * so these tests also show what users see while the SFU is down.
 */
let stack: TestStack;
let url: string;

beforeAll(async () => {
  stack = await startStack();
  url = stack.nodes[0]!.url;
});
afterEach(() => closeAllSockets());
afterAll(() => stack?.stop());

async function redisSnapshot(): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const key of (await stack.redis.keys('*')).sort()) {
    // Sessions, node heartbeats and rate-limit counters change with every login and request.
    if (key.startsWith('sess:') || key.startsWith('signaling-node:') || key.startsWith('rate:')) continue;
    snapshot[key] = JSON.stringify(await stack.redis.dump(key));
  }
  return snapshot;
}

describe('connection', () => {
  it('refuses a socket without a session', async () => {
    await expect(connectSocket(url)).rejects.toMatchObject({ message: 'unauthenticated', data: { code: 'unauthenticated' } });
  });

  it('refuses a socket with a forged or expired session cookie', async () => {
    await expect(connectSocket(url, 'ehop.sid=s%3Aforged.signature')).rejects.toThrow('unauthenticated');
  });

  it('accepts a logged-in user over polling and over a plain websocket', async () => {
    const cookie = await login(url, 'daibieu1');
    expect((await connectSocket(url, cookie)).connected).toBe(true);
    expect((await connectSocket(url, cookie, ['websocket'])).connected).toBe(true);
  });

  it('closes the sockets of a session when it logs out', async () => {
    const cookie = await login(url, 'daibieu1');
    const socket = await connectSocket(url, cookie);
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
    await fetch(`${url}/api/auth/logout`, { method: 'POST', headers: { cookie } });
    await expect(disconnected).resolves.toBe('io server disconnect');
    await expect(connectSocket(url, cookie)).rejects.toThrow('unauthenticated');
  });
});

describe('requests', () => {
  it('answers malformed payloads of every request with invalid_payload and changes nothing', async () => {
    const socket = await connectSocket(url, await login(url, 'chutri'));
    const before = await redisSnapshot();
    const malformed: Partial<Record<ClientRequestName, unknown>> = {
      'meeting:join': { meetingId: 'has spaces and : colons' },
      'media:createTransport': { direction: 'sideways' },
      'media:connectTransport': { transportId: 't1', dtlsParameters: { fingerprints: [] } },
      'media:produce': { transportId: 't1', kind: 'audio', source: 'screen', rtpParameters: { codecs: [] } },
      'media:pauseProducer': { producerId: '' },
      'media:resumeConsumer': 42,
    };
    for (const [name, payload] of Object.entries(malformed)) {
      const ack = await request(socket, name as ClientRequestName, payload);
      expect(ack, name).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
      if (!ack.ok) expect(ack.error.issues?.length, name).toBeGreaterThan(0);
    }
    expect(await redisSnapshot()).toEqual(before);
  });

  it('binds every request of the client contract', async () => {
    const socket = await connectSocket(url, await login(url, 'chutri'));
    for (const name of Object.keys(clientRequests) as ClientRequestName[]) {
      // An empty payload is either accepted or refused by the schema, but always acknowledged.
      const ack = await request(socket, name, {});
      expect(ack, name).toHaveProperty('ok');
    }
  });

  it('refuses media requests before a meeting is joined with not_in_meeting', async () => {
    const socket = await connectSocket(url, await login(url, 'daibieu1'));
    const valid: Partial<Record<ClientRequestName, unknown>> = {
      'media:createTransport': { direction: 'send' },
      'media:connectTransport': { transportId: 't1', dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AB' }] } },
      'media:restartIce': { transportId: 't1' },
      'media:ready': { rtpCapabilities: { codecs: [] } },
      'media:produce': { transportId: 't1', kind: 'audio', source: 'mic', rtpParameters: { codecs: [{ mimeType: 'audio/opus' }] } },
      'media:pauseProducer': { producerId: 'p1' },
      'media:resumeProducer': { producerId: 'p1' },
      'media:closeProducer': { producerId: 'p1' },
      'media:resumeConsumer': { consumerId: 'c1' },
    };
    for (const [name, payload] of Object.entries(valid)) {
      const ack = await request(socket, name as ClientRequestName, payload);
      expect(ack, name).toEqual({ ok: false, error: { code: 'not_in_meeting', message: 'Join a meeting first' } });
    }
  });

  it('lets meeting:leave succeed when not in a meeting, with or without a payload', async () => {
    const socket = await connectSocket(url, await login(url, 'daibieu1'));
    expect(await request(socket, 'meeting:leave', {})).toEqual({ ok: true, data: {} });
    const bare = await (socket.timeout(5_000).emitWithAck as (event: string) => Promise<unknown>)('meeting:leave');
    expect(bare).toEqual({ ok: true, data: {} });
  });
});

describe('meeting:join without media', () => {
  it('refuses a meeting the user is not invited to with forbidden, and writes no presence', async () => {
    const socket = await connectSocket(url, await login(url, 'daibieu2'));
    const ack = await request(socket, 'meeting:join', { meetingId: RESTRICTED_MEETING_ID });
    expect(ack).toEqual({ ok: false, error: { code: 'forbidden', message: 'You are not invited to this meeting' } });
    expect(await stack.redis.exists(`meeting:${RESTRICTED_MEETING_ID}:peers`)).toBe(0);
    // Still not in any meeting: media stays closed.
    expect(await request(socket, 'media:createTransport', { direction: 'recv' })).toMatchObject({
      ok: false,
      error: { code: 'not_in_meeting' },
    });
  });

  it('answers an unknown meeting with not_found', async () => {
    const socket = await connectSocket(url, await login(url, 'daibieu2'));
    const ack = await request(socket, 'meeting:join', { meetingId: 'no-such-meeting' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await stack.redis.exists('meeting:no-such-meeting:peers')).toBe(0);
  });

  it('answers media_unavailable while the SFU is down and writes no presence', async () => {
    const socket = await connectSocket(url, await login(url, 'daibieu1'));
    const ack = await request(socket, 'meeting:join', { meetingId: DEMO_MEETING_ID });
    expect(ack).toMatchObject({ ok: false, error: { code: 'media_unavailable' } });
    expect(await stack.redis.exists(`meeting:${DEMO_MEETING_ID}:peers`)).toBe(0);
  });
});
