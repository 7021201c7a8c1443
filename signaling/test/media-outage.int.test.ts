import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { freePort, sfuHealth, startSfuServer, type SfuServerHandle } from '@ehop/testkit';
import { DEMO_MEETING_ID } from '../src/seed/demo-seed.js';
import { closeAllSockets, collectEvents, connectSocket, login, nextEvent, request, startStack, waitFor, type TestStack } from './support/harness.js';

/*
 * An SFU outage as a meeting lives it: signaling runs, the SFU is down, then comes back on the
 * same address (as a restarted service does). A socket stays in its meeting meanwhile and is told
 * when media is back, whether its SFU peer was open or its media join had failed.
 */
const SFU_SECRET = 'outage-test-secret';
let stack: TestStack;
let url: string;
let sfuPort: number;
let sfu: SfuServerHandle | undefined;

beforeAll(async () => {
  sfuPort = await freePort();
  // Nothing listens on the SFU's port yet: the meeting starts in an outage.
  stack = await startStack({ sfuUrl: `http://127.0.0.1:${sfuPort}`, sfuSecret: SFU_SECRET });
  url = stack.nodes[0]!.url;
});
afterEach(() => closeAllSockets());
afterAll(async () => {
  await sfu?.stop();
  await stack?.stop();
});

function startSfu(): Promise<SfuServerHandle> {
  return startSfuServer({ env: { SFU_PORT: String(sfuPort), SFU_SECRET, SFU_WORKERS: '1', LOG_LEVEL: 'warn' } });
}

async function sfuPeerCount(): Promise<number> {
  return (await sfuHealth({ url: `http://127.0.0.1:${sfuPort}`, secret: SFU_SECRET, caFile: undefined })).peers;
}

async function presentPeerIds(): Promise<string[]> {
  return Object.keys(await stack.redis.hGetAll(`meeting:${DEMO_MEETING_ID}:peers`));
}

async function joinWithoutMedia(username: string): Promise<{ socket: Socket; peerId: string }> {
  const socket = await connectSocket(url, await login(url, username));
  const ack = await request(socket, 'meeting:join', { meetingId: DEMO_MEETING_ID, media: false });
  if (!ack.ok) throw new Error(`${username} could not join: ${ack.error.code}`);
  expect(ack.data.routerRtpCapabilities).toBeNull();
  return { socket, peerId: ack.data.self.peerId };
}

describe('an SFU outage', () => {
  it('keeps a socket whose media join failed in the meeting, tells it when media is back, and again after the next outage', async () => {
    const endpoint = await joinWithoutMedia('diemcau-xa');
    const chair = await joinWithoutMedia('chutri');

    // The SFU is down: opening media fails, but both stay in the meeting and see the conference.
    expect(await request(endpoint.socket, 'media:join', {})).toMatchObject({ ok: false, error: { code: 'media_unavailable' } });
    expect(await request(endpoint.socket, 'media:createTransport', { direction: 'recv' })).toMatchObject({
      ok: false,
      error: { code: 'not_in_meeting', message: 'Open your media first (media:join)' },
    });
    expect((await presentPeerIds()).sort()).toEqual([endpoint.peerId, chair.peerId].sort());
    expect(await request(endpoint.socket, 'conference:get', {})).toMatchObject({ ok: true });
    // The chair keeps running the floor: the record is kept and the SFU gets it when it is back.
    const modeSeen = nextEvent(endpoint.socket, 'conference:state');
    expect(await request(chair.socket, 'floor:setMode', { mode: 'open' })).toMatchObject({ ok: true });
    expect(await modeSeen).toMatchObject({ mode: 'open' });

    // The SFU comes back on its address: every socket in the meeting hears it, nobody had to retry.
    const available = nextEvent(endpoint.socket, 'media:available', 30_000);
    const availableToChair = nextEvent(chair.socket, 'media:available', 30_000);
    sfu = await startSfu();
    expect(await available).toEqual({ reason: 'media_server_reconnected' });
    expect(await availableToChair).toEqual({ reason: 'media_server_reconnected' });

    // Media opens now, under the same peer: the others keep its tile.
    const opened = await request(endpoint.socket, 'media:join', {});
    expect(opened.ok && opened.data.routerRtpCapabilities.codecs?.length).toBeGreaterThan(0);
    expect(await request(endpoint.socket, 'media:createTransport', { direction: 'recv' })).toMatchObject({ ok: true });
    expect(await sfuPeerCount()).toBe(1);
    expect((await presentPeerIds()).sort()).toEqual([endpoint.peerId, chair.peerId].sort());

    // The next outage: the socket whose SFU peer was open is told at once that it is lost, then to
    // rebuild it when the SFU is back; the one without media only that media is back.
    const restarts = collectEvents(endpoint.socket, 'media:restart');
    const availableAgain = collectEvents(endpoint.socket, 'media:available');
    const chairRestarts = collectEvents(chair.socket, 'media:restart');
    await sfu.stop();
    await waitFor(() => restarts.length === 1, 10_000);
    expect(restarts).toEqual([{ reason: 'media_server_lost' }]);
    const chairAvailable = nextEvent(chair.socket, 'media:available', 30_000);
    sfu = await startSfu();
    await chairAvailable;
    await waitFor(() => restarts.length === 2, 30_000);
    expect(restarts).toEqual([{ reason: 'media_server_lost' }, { reason: 'media_server_reconnected' }]);
    expect(availableAgain).toEqual([]);
    expect(chairRestarts).toEqual([]);

    // Rebuilding replaces the lost peer; joining media twice in a row leaves one SFU peer, not two.
    expect(await request(endpoint.socket, 'media:join', {})).toMatchObject({ ok: true });
    expect(await request(endpoint.socket, 'media:join', {})).toMatchObject({ ok: true });
    expect(await sfuPeerCount()).toBe(1);

    // Leaving closes it.
    expect(await request(endpoint.socket, 'meeting:leave', {})).toEqual({ ok: true, data: {} });
    await waitFor(async () => (await sfuPeerCount()) === 0);
  });

  it('refuses media:join to a socket that joined no meeting', async () => {
    const socket = await connectSocket(url, await login(url, 'daibieu1'));
    expect(await request(socket, 'media:join', {})).toEqual({ ok: false, error: { code: 'not_in_meeting', message: 'Join a meeting first' } });
  });
});
