import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSfuServer, type SfuServerHandle } from '@ehop/testkit';
import { settle, SignalingLink } from './support/signaling-link.js';
import { opusMicRtpParameters, vp8CameraRtpParameters } from './support/rtp-fixtures.js';

/*
 * What one peer may hold. The SFU gets only 12 RTC ports here: every WebRTC transport takes one,
 * so without the caps a single peer asking for transports in a loop takes them all and nobody
 * else, in any room, can connect.
 */
const RTC_PORTS = 12;
const MAX_CONSUMERS = 3;

let sfu: SfuServerHandle;
let link: SignalingLink;
let roomCounter = 0;

beforeAll(async () => {
  sfu = await startSfuServer({ rtcPorts: RTC_PORTS, env: { SFU_FORWARDING: 'all-to-all', SFU_MAX_CONSUMERS_PER_PEER: String(MAX_CONSUMERS) } });
  link = await SignalingLink.connect(sfu.url, sfu.secret);
});
afterAll(async () => {
  link?.close();
  await sfu?.stop();
});
afterEach(async () => {
  // Close this test's rooms: their transports give their ports back.
  for (let room = 1; room <= roomCounter; room++) await link.request('room:close', { roomId: `room-${room}` });
});

async function openRoomWith(...peerIds: string[]) {
  const roomId = `room-${++roomCounter}`;
  const { routerRtpCapabilities } = await link.ok('room:open', { roomId });
  const everyoneSpeaks = { version: 1, speakers: { mode: 'everyone' as const }, main: { userId: null, followActiveSpeaker: false } };
  await link.ok('room:setPolicy', { roomId, policy: everyoneSpeaks });
  for (const peerId of peerIds) await link.ok('peer:open', { roomId, peerId });
  return { roomId, routerRtpCapabilities };
}

describe('transports', () => {
  it('refuses a peer more than 4 transports, even asked all at once, and leaves ports for everyone else', async () => {
    const { roomId } = await openRoomWith('mallory');
    const loop = await Promise.all(
      Array.from({ length: 3 * RTC_PORTS }, (_, index) =>
        link.request('transport:create', { roomId, peerId: 'mallory', direction: index % 2 === 0 ? 'send' : 'recv' }),
      ),
    );
    expect(loop.filter((result) => result.ok)).toHaveLength(4);
    const refusals = loop.filter((result) => !result.ok);
    expect(refusals).toHaveLength(3 * RTC_PORTS - 4);
    for (const refusal of refusals) expect(refusal).toMatchObject({ ok: false, error: { code: 'limit_reached' } });
    expect(await link.ok('room:stats', { roomId })).toMatchObject({ peers: 1, transports: 4 });

    // Another meeting on the same SFU still gets its ports.
    const other = await openRoomWith('alice');
    await link.ok('transport:create', { roomId: other.roomId, peerId: 'alice', direction: 'send' });
    await link.ok('transport:create', { roomId: other.roomId, peerId: 'alice', direction: 'recv' });
    expect(await link.ok('room:stats', { roomId: other.roomId })).toMatchObject({ transports: 2 });
  });
});

describe('producers', () => {
  it('publishes one track per source even when two requests for it arrive together', async () => {
    const { roomId } = await openRoomWith('mallory');
    const send = await link.ok('transport:create', { roomId, peerId: 'mallory', direction: 'send' });
    const mic = { roomId, peerId: 'mallory', transportId: send.id, kind: 'audio', source: 'mic', paused: false } as const;
    const [first, second] = await Promise.all([
      link.request('producer:create', { ...mic, rtpParameters: opusMicRtpParameters }),
      // Another MID and SSRC, so that only the one-microphone rule can refuse it.
      link.request('producer:create', { ...mic, rtpParameters: { ...opusMicRtpParameters, mid: '2', encodings: [{ ssrc: 424_242 }] } }),
    ]);
    expect([first?.ok, second?.ok].sort()).toEqual([false, true]);
    expect([first, second].find((result) => !result?.ok)).toMatchObject({ error: { code: 'conflict' } });
    expect(await link.ok('room:stats', { roomId })).toMatchObject({ producers: 1 });
  });
});

describe('consumers', () => {
  it(`forwards a peer at most SFU_MAX_CONSUMERS_PER_PEER (${MAX_CONSUMERS}) tracks, whatever the rule asks`, async () => {
    const { roomId, routerRtpCapabilities } = await openRoomWith('alice', 'bob', 'carol');
    await link.ok('peer:setRtpCapabilities', { roomId, peerId: 'carol', rtpCapabilities: routerRtpCapabilities });
    await link.ok('transport:create', { roomId, peerId: 'carol', direction: 'recv' });
    for (const [index, peerId] of ['alice', 'bob'].entries()) {
      const send = await link.ok('transport:create', { roomId, peerId, direction: 'send' });
      const base = { roomId, peerId, transportId: send.id, paused: false } as const;
      await link.ok('producer:create', { ...base, kind: 'video', source: 'camera', rtpParameters: { ...vp8CameraRtpParameters, encodings: [{ ssrc: 1_000 + index }] } });
      await link.ok('producer:create', { ...base, kind: 'audio', source: 'mic', rtpParameters: { ...opusMicRtpParameters, encodings: [{ ssrc: 2_000 + index }] } });
    }
    // All-to-all wants 4 tracks for carol: she gets 3.
    await link.waitForNotifications('carol', 'media:newConsumer', MAX_CONSUMERS);
    await settle(300);
    expect(link.notificationsFor('carol', 'media:newConsumer')).toHaveLength(MAX_CONSUMERS);
    expect(await link.ok('room:stats', { roomId })).toMatchObject({ producers: 4, consumers: MAX_CONSUMERS });
  });
});
