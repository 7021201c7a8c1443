import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { PeerInfo, type ClientRequestName, type ClientResponse } from '@ehop/protocol';
import { sfuHealth } from '@ehop/testkit';
import { DEMO_MEETING_ID } from '../src/seed/demo-seed.js';
import {
  closeAllSockets,
  collectEvents,
  connectSocket,
  login,
  nextEvent,
  request,
  sleep,
  startTwoNodeStack,
  waitFor,
  type TestStack,
  type TwoNodeStack,
} from './support/harness.js';
import { opusMicRtpParameters } from './support/rtp-fixtures.js';

/*
 * Floor control through signaling, against the real SFU and a real Redis, with two signaling
 * nodes: requests, the chair's grant (the server unmutes the speaker), forged calls refused,
 * the log for the minutes, and the state kept in Redis.
 */
let services: TwoNodeStack;
let stack: TestStack;
let nodeA: string;
let nodeB: string;

beforeAll(async () => {
  services = await startTwoNodeStack();
  ({ stack, nodeA, nodeB } = services);
});
afterEach(async () => {
  closeAllSockets();
  await waitFor(async () => (await stack.redis.hLen(`meeting:${DEMO_MEETING_ID}:peers`)) === 0);
  // Every test starts from a meeting nobody has touched.
  await stack.redis.del([`meeting:${DEMO_MEETING_ID}:conference`, `meeting:${DEMO_MEETING_ID}:floor-log`]);
});
afterAll(async () => {
  await services?.stop();
});

interface Participant {
  socket: Socket;
  self: PeerInfo;
  cookie: string;
}

async function joinAs(url: string, username: string, media = true): Promise<Participant> {
  const cookie = await login(url, username);
  const socket = await connectSocket(url, cookie);
  const ack = await request(socket, 'meeting:join', { meetingId: DEMO_MEETING_ID, media });
  if (!ack.ok) throw new Error(`${username} could not join: ${ack.error.code}`);
  return { socket, self: ack.data.self, cookie };
}

async function ok<K extends ClientRequestName>(participant: Participant, name: K, payload: unknown): Promise<ClientResponse<K>> {
  const ack = await request(participant.socket, name, payload);
  if (!ack.ok) throw new Error(`${name} failed: ${ack.error.code} ${ack.error.message}`);
  return ack.data as ClientResponse<K>;
}

/** Publishes a microphone the way the browser does: asking for it open (the server decides). */
async function publishMic(participant: Participant, ssrc: number): Promise<string> {
  const transport = await ok(participant, 'media:createTransport', { direction: 'send' });
  const { producerId } = await ok(participant, 'media:produce', {
    transportId: transport.id,
    kind: 'audio',
    source: 'mic',
    paused: false,
    rtpParameters: opusMicRtpParameters(ssrc),
  });
  return producerId;
}

async function micOnInPresence(userId: string): Promise<boolean | undefined> {
  const entries = Object.values(await stack.redis.hGetAll(`meeting:${DEMO_MEETING_ID}:peers`));
  return entries.map((json) => PeerInfo.parse((JSON.parse(json) as { peer: unknown }).peer)).find((peer) => peer.userId === userId)?.micOn;
}

/** Peers the SFU holds now, from its health report. */
async function sfuPeerCount(): Promise<number> {
  return (await sfuHealth(services.sfu)).peers;
}

async function storedConference(): Promise<string | null> {
  return stack.redis.get(`meeting:${DEMO_MEETING_ID}:conference`);
}

describe('asking to speak', () => {
  it('queues requests with points of order first; the chair and secretary see the queue, each requester their place', async () => {
    const chair = await joinAs(nodeA, 'chutri');
    const secretary = await joinAs(nodeB, 'thuky');
    const first = await joinAs(nodeA, 'daibieu1');
    const second = await joinAs(nodeB, 'daibieu2');

    const firstPlaces = collectEvents(first.socket, 'conference:myRequest');
    expect(await ok(first, 'floor:request', { kind: 'speak', agendaItemId: 'muc-2' })).toEqual({ position: 1 });
    const queueSeenByChair = nextEvent(chair.socket, 'conference:queue');
    expect(await ok(second, 'floor:request', { kind: 'point_of_order' })).toEqual({ position: 1 });
    expect((await queueSeenByChair).queue.map((entry) => [entry.userId, entry.kind])).toEqual([
      ['u-daibieu2', 'point_of_order'],
      ['u-daibieu1', 'speak'],
    ]);
    // The first delegate was pushed back by the point of order, and was told so.
    await waitFor(() => firstPlaces.at(-1)?.request?.position === 2);

    const forSecretary = await ok(secretary, 'conference:get', {});
    expect(forSecretary.queue?.map((entry) => entry.userId)).toEqual(['u-daibieu2', 'u-daibieu1']);
    const forDelegate = await ok(first, 'conference:get', {});
    expect(forDelegate.queue).toBeNull();
    expect(forDelegate.myRequest).toMatchObject({ position: 2, kind: 'speak', agendaItemId: 'muc-2' });
    expect(forDelegate.state).toMatchObject({ mode: 'floor', queueLength: 2, holder: null, mainUserId: 'u-chutri' });
    expect(forDelegate.unitGroups.map((group) => group.id)).toEqual(['tinh-hoa-binh', 'huyen-lac-son']);

    await ok(second, 'floor:cancel', {});
    expect((await ok(first, 'conference:get', {})).myRequest?.position).toBe(1);
  });

  it('refuses observers and the chair, who may always speak', async () => {
    const observer = await joinAs(nodeA, 'quansat');
    const chair = await joinAs(nodeA, 'chutri');
    expect(await request(observer.socket, 'floor:request', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(chair.socket, 'floor:request', {})).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await storedConference()).toBeNull();
  });
});

describe('the chair gives and takes back the floor', () => {
  it('unmutes the speaker on the server, moves the main screen to them, mutes them again and logs the turn', async () => {
    const chair = await joinAs(nodeA, 'chutri');
    const delegate = await joinAs(nodeB, 'daibieu1');
    const micId = await publishMic(delegate, 61_000_001);
    // Joined muted: the SFU created the microphone paused although the browser asked for it open.
    expect(await micOnInPresence('u-daibieu1')).toBe(false);

    await ok(delegate, 'floor:request', { agendaItemId: 'muc-1' });
    const resumed = nextEvent(delegate.socket, 'media:producerResumed');
    const stateOnChair = collectEvents(chair.socket, 'conference:state');
    await ok(chair, 'floor:grant', { userId: 'u-daibieu1', speakingTimeSec: 180 });

    expect(await resumed).toEqual({ producerId: micId, source: 'mic' });
    await waitFor(async () => (await micOnInPresence('u-daibieu1')) === true);
    await waitFor(() => stateOnChair.some((state) => state.holder?.userId === 'u-daibieu1'));
    const granted = stateOnChair.find((state) => state.holder)!;
    expect(granted).toMatchObject({ mainUserId: 'u-daibieu1', speakerUserIds: ['u-chutri', 'u-daibieu1'], queueLength: 0 });
    expect(granted.holder).toMatchObject({ agendaItemId: 'muc-1', speakingTimeSec: 180 });

    const paused = nextEvent(delegate.socket, 'media:producerPaused');
    await ok(chair, 'floor:release', {});
    expect(await paused).toEqual({ producerId: micId, source: 'mic' });
    await waitFor(async () => (await micOnInPresence('u-daibieu1')) === false);
    expect(await request(delegate.socket, 'media:resumeProducer', { producerId: micId })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });

    const { entries } = await ok(chair, 'floor:log', {});
    expect(entries).toEqual([
      expect.objectContaining({ userId: 'u-daibieu1', agendaItemId: 'muc-1', unitName: 'Huyện Lạc Sơn', endedBy: 'chair' }),
    ]);
    const viaHttp = await fetch(`${nodeB}/api/meetings/${DEMO_MEETING_ID}/floor-log`, { headers: { cookie: chair.cookie } });
    expect(viaHttp.status).toBe(200);
    expect(((await viaHttp.json()) as { entries: unknown[] }).entries).toHaveLength(1);
    const forbidden = await fetch(`${nodeB}/api/meetings/${DEMO_MEETING_ID}/floor-log`, { headers: { cookie: delegate.cookie } });
    expect(forbidden.status).toBe(403);
  });

  it('from a chair console that never opened media: grants, mutes, sets the main screen and takes the floor back', async () => {
    const chairConsole = await joinAs(nodeA, 'chutri', false);
    const delegate = await joinAs(nodeB, 'daibieu1');
    const micId = await publishMic(delegate, 63_000_001);
    // The console has no SFU peer at all: only the delegate is there, and the console cannot send.
    expect(await sfuPeerCount()).toBe(1);
    expect(await request(chairConsole.socket, 'media:createTransport', { direction: 'send' })).toMatchObject({
      ok: false,
      error: { code: 'not_in_meeting' },
    });

    const resumed = nextEvent(delegate.socket, 'media:producerResumed');
    await ok(chairConsole, 'floor:grant', { userId: 'u-daibieu1' });
    expect(await resumed).toEqual({ producerId: micId, source: 'mic' });
    await waitFor(async () => (await micOnInPresence('u-daibieu1')) === true);

    const mutedByChair = nextEvent(delegate.socket, 'media:producerPaused');
    await ok(chairConsole, 'floor:mute', { target: 'user', userId: 'u-daibieu1' });
    expect(await mutedByChair).toEqual({ producerId: micId, source: 'mic' });

    const screen = nextEvent(delegate.socket, 'conference:state');
    await ok(chairConsole, 'mainScreen:set', { selection: { mode: 'endpoint', userId: 'u-daibieu1' } });
    expect(await screen).toMatchObject({ mainScreen: { mode: 'endpoint', userId: 'u-daibieu1' }, mainUserId: 'u-daibieu1' });

    const takenBack = nextEvent(delegate.socket, 'conference:state');
    await ok(chairConsole, 'floor:release', {});
    expect(await takenBack).toMatchObject({ holder: null });
    // Still refused to the delegate: the floor is no longer theirs.
    expect(await request(delegate.socket, 'media:resumeProducer', { producerId: micId })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect((await ok(chairConsole, 'floor:log', {})).entries).toEqual([expect.objectContaining({ userId: 'u-daibieu1', endedBy: 'chair' })]);
    expect(await sfuPeerCount()).toBe(1);
  });

  it('lets the speaker hand the floor back, but nobody else take it', async () => {
    const chair = await joinAs(nodeA, 'chutri');
    const speaker = await joinAs(nodeA, 'daibieu1');
    const other = await joinAs(nodeB, 'daibieu2');
    await ok(chair, 'floor:grant', { userId: 'u-daibieu1' });
    expect(await request(other.socket, 'floor:release', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await ok(speaker, 'floor:release', {});
    expect((await ok(chair, 'floor:log', {})).entries[0]).toMatchObject({ endedBy: 'speaker' });
  });

  it('in open discussion lets anyone unmute, and "mute all" mutes everyone but the chair on the server', async () => {
    const chair = await joinAs(nodeA, 'chutri');
    const delegate = await joinAs(nodeB, 'daibieu2');
    const chairMic = await publishMic(chair, 62_000_001);
    const delegateMic = await publishMic(delegate, 62_000_002);
    await ok(chair, 'floor:setMode', { mode: 'open' });
    await ok(delegate, 'media:resumeProducer', { producerId: delegateMic });
    await waitFor(async () => (await micOnInPresence('u-daibieu2')) === true);

    const paused = nextEvent(delegate.socket, 'media:producerPaused');
    await ok(chair, 'floor:mute', { target: 'all' });
    expect(await paused).toEqual({ producerId: delegateMic, source: 'mic' });
    await waitFor(async () => (await micOnInPresence('u-daibieu2')) === false);
    expect(await micOnInPresence('u-chutri')).toBe(true);
    expect(chairMic).toBeTruthy();

    // Back to floor mode: the delegate can no longer unmute.
    await ok(chair, 'floor:setMode', { mode: 'floor' });
    expect(await request(delegate.socket, 'media:resumeProducer', { producerId: delegateMic })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });
});

describe('forged and malformed requests', () => {
  it('refuses every chair action from a delegate or the secretary and changes nothing', async () => {
    const chair = await joinAs(nodeA, 'chutri');
    const delegate = await joinAs(nodeB, 'daibieu1');
    const secretary = await joinAs(nodeA, 'thuky');
    const requestSeen = nextEvent(chair.socket, 'conference:state');
    await ok(delegate, 'floor:request', {});
    await requestSeen;
    const before = await storedConference();
    const states = collectEvents(chair.socket, 'conference:state');

    const forged: [ClientRequestName, unknown][] = [
      ['floor:grant', { userId: 'u-daibieu1' }],
      ['floor:dismiss', { userId: 'u-daibieu1' }],
      ['floor:setMode', { mode: 'open' }],
      ['floor:mute', { target: 'all' }],
      ['mainScreen:set', { selection: { mode: 'endpoint', userId: 'u-daibieu1' } }],
    ];
    for (const who of [delegate, secretary]) {
      for (const [name, payload] of forged) {
        expect(await request(who.socket, name, payload), name).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
    }
    expect(await request(delegate.socket, 'floor:log', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await sleep(200);
    expect(await storedConference()).toBe(before);
    expect(states).toEqual([]);
  });

  it('answers malformed payloads with invalid_payload, unknown people with not_found, and changes nothing', async () => {
    const chair = await joinAs(nodeA, 'chutri');
    const malformed: [ClientRequestName, unknown][] = [
      ['floor:request', { kind: 'shout' }],
      ['floor:request', { agendaItemId: 'not an id!' }],
      ['floor:grant', { userId: 'u-daibieu1', speakingTimeSec: 5 }],
      ['floor:grant', { userId: 'u-daibieu1', speakingTimeSec: 999_999 }],
      ['floor:setMode', { mode: 'anarchy' }],
      ['floor:mute', { target: 'everyone' }],
      ['mainScreen:set', { selection: { mode: 'document' } }],
      ['mainScreen:set', { selection: { mode: 'hologram' } }],
      ['conference:setView', { thumbnails: Array.from({ length: 25 }, (_, i) => `p${i}`) }],
      ['conference:setView', { thumbnails: ['../../etc'] }],
    ];
    for (const [name, payload] of malformed) {
      expect(await request(chair.socket, name, payload), `${name} ${JSON.stringify(payload)}`).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
    }
    expect(await request(chair.socket, 'floor:grant', { userId: 'u-nobody' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await request(chair.socket, 'floor:grant', { userId: 'u-quansat' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await storedConference()).toBeNull();
  });

  it('refuses conference requests before joining a meeting', async () => {
    const socket = await connectSocket(nodeA, await login(nodeA, 'chutri'));
    for (const name of ['conference:get', 'floor:request', 'floor:grant', 'conference:setView'] as const) {
      const payload = name === 'floor:grant' ? { userId: 'u-daibieu1' } : name === 'conference:setView' ? { thumbnails: [] } : {};
      expect(await request(socket, name, payload), name).toMatchObject({ ok: false, error: { code: 'not_in_meeting' } });
    }
  });
});

describe('what the chair decided survives', () => {
  it('keeps the floor in Redis: another node, and a participant who reconnects, see the same state', async () => {
    const chair = await joinAs(nodeA, 'chutri');
    await ok(chair, 'mainScreen:set', { selection: { mode: 'document', documentId: 'tai-lieu-1' } });
    await ok(chair, 'floor:grant', { userId: 'u-daibieu2', speakingTimeSec: 60 });
    chair.socket.disconnect();

    const delegate = await joinAs(nodeB, 'daibieu2');
    const { state } = await ok(delegate, 'conference:get', {});
    expect(state).toMatchObject({ holder: { userId: 'u-daibieu2' }, mainScreen: { mode: 'floor' }, mainUserId: 'u-daibieu2' });
    // Its rules reached the SFU on join: the holder may unmute, as the floor says.
    const micId = await publishMic(delegate, 63_000_001);
    expect(await ok(delegate, 'media:resumeProducer', { producerId: micId })).toEqual({});

    const back = await joinAs(nodeA, 'chutri');
    await ok(back, 'floor:release', {});
    // The grant had switched the main screen from the document to the speaker; release restores it.
    expect((await ok(back, 'conference:get', {})).state.mainScreen).toEqual({ mode: 'document', documentId: 'tai-lieu-1' });
  });
});
