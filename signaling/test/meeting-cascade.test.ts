import { describe, expect, it } from 'vitest';
import type { MediaPolicy } from '@ehop/protocol';
import { MeetingCascade, linkIdOf, type NodeRequest } from '../src/media/meeting-cascade.js';

const ROOM = 'm1';
const silent = { warn: () => undefined, info: () => undefined } as never;
const policy = (mainUserId: string, version = 1): MediaPolicy => ({
  version,
  speakers: { mode: 'listed', userIds: [mainUserId] },
  main: { userId: mainUserId, followActiveSpeaker: false },
  floorHolderUserId: mainUserId,
  upcomingUserIds: [],
});

/** SFU nodes that answer every request and remember them, in order. */
function fakeNodes() {
  const calls: string[] = [];
  const send: NodeRequest = async (nodeId, name, payload) => {
    const { producerId } = payload as { producerId?: string };
    calls.push(`${nodeId} ${name}${producerId ? ` ${producerId}` : ''}`);
    if (name === 'link:open') return { ip: '10.0.0.1', port: 40000, srtpParameters: { cryptoSuite: 'AEAD_AES_256_GCM', keyBase64: 'k' } } as never;
    if (name === 'link:send') return { kind: 'video', rtpParameters: { codecs: [] }, paused: false, source: 'camera', peerId: 'p', userId: 'u' } as never;
    return {} as never;
  };
  return { calls, send };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

/** A cascade whose chair, on the home node, publishes a camera the policy puts on the main screen. */
function cascadeWithChairOnScreen(send: ConstructorParameters<typeof MeetingCascade>[0]): MeetingCascade {
  const cascade = new MeetingCascade(send, silent);
  cascade.peerPlaced(ROOM, 'home', 'p-chair', 'chair', 'home');
  cascade.trackPublished(ROOM, 'p-chair', 'cam-chair', 'camera');
  cascade.policySet(ROOM, policy('chair'));
  return cascade;
}

describe('MeetingCascade', () => {
  it('links a far node to the home node once, and sends the main camera over it once for any number of receivers there', async () => {
    const { calls, send } = fakeNodes();
    const cascade = cascadeWithChairOnScreen(send);
    cascade.peerPlaced(ROOM, 'home', 'p-d1', 'd1', 'far');
    cascade.peerPlaced(ROOM, 'home', 'p-d2', 'd2', 'far');
    cascade.viewSet(ROOM, 'p-d2', ['p-chair']);
    await settle();
    expect(calls).toEqual([
      'far room:open',
      'home link:open',
      'far link:open',
      'home link:connect',
      'far link:connect',
      'home link:send cam-chair',
      'far link:receive cam-chair',
    ]);
  });

  it("routes a far floor holder's camera through the home node to the other far node, and relays its state and layers", async () => {
    const { calls, send } = fakeNodes();
    const cascade = new MeetingCascade(send, silent);
    cascade.peerPlaced(ROOM, 'home', 'p-a', 'a', 'node-a');
    cascade.peerPlaced(ROOM, 'home', 'p-b', 'b', 'node-b');
    cascade.trackPublished(ROOM, 'p-a', 'cam-a', 'camera');
    await settle();
    calls.length = 0;
    cascade.policySet(ROOM, policy('a'));
    await settle();
    expect(calls).toEqual(['node-a link:send cam-a', 'home link:receive cam-a', 'home link:send cam-a', 'node-b link:receive cam-a']);

    calls.length = 0;
    const intoHome = linkIdOf(ROOM, 'home', 'node-a');
    await cascade.relayTrackState({ roomId: ROOM, linkId: intoHome, producerId: 'cam-a', state: 'paused' });
    await cascade.relaySendLayers({ roomId: ROOM, linkId: linkIdOf(ROOM, 'home', 'node-b'), producerId: 'cam-a', maxSpatialLayer: 0 });
    expect(calls).toEqual(['home link:trackState cam-a', 'home link:sendLayers cam-a']);
  });

  it("closes the home end of a dead node's link, and links it again when it has peers again", async () => {
    const { calls, send } = fakeNodes();
    const cascade = new MeetingCascade(send, silent);
    cascade.peerPlaced(ROOM, 'home', 'p-a', 'a', 'node-a');
    await settle();
    calls.length = 0;
    cascade.nodeDown('node-a');
    cascade.peerPlaced(ROOM, 'home', 'p-a2', 'a', 'node-a');
    await settle();
    expect(calls).toEqual(['home link:close', 'node-a room:open', 'home link:open', 'node-a link:open', 'home link:connect', 'node-a link:connect']);
  });

  it('builds a link again, ends closed first, when a node comes back within its registry lifetime (a quick restart)', async () => {
    const { calls, send } = fakeNodes();
    const cascade = cascadeWithChairOnScreen(send);
    cascade.peerPlaced(ROOM, 'home', 'p-a', 'a', 'node-a');
    await settle();
    calls.length = 0;
    cascade.nodeReconnected('node-a');
    await settle();
    expect(calls.slice(0, 2).sort()).toEqual(['home link:close', 'node-a link:close']);
    expect(calls.slice(2)).toEqual([
      'node-a room:open',
      'home link:open',
      'node-a link:open',
      'home link:connect',
      'node-a link:connect',
      'home link:send cam-chair',
      'node-a link:receive cam-chair',
    ]);
  });
});
