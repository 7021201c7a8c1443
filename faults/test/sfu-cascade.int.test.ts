import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MainFeedSource } from '@ehop/protocol';
import { canSimulateHosts, killProcess } from '@ehop/testkit';
import { MEETING_ID, moveIntoNewUnit, SET_UP_MS, SfuProbe, startFaultStack, type FaultStack } from '../src/fault-stack.js';
import { MeetingEndpoint } from '../src/meeting-endpoint.js';
import { startMeeting, USERS, type MeetingInProgress } from '../src/meeting-scenario.js';
import { eventually, expectMedia, growingStreams, waitForMediaBack } from '../src/recovery-checks.js';

/*
 * One meeting over three SFU nodes (SFU_PEER_PLACEMENT=unit): the province's, Lạc Sơn's and Kim
 * Bôi's (a second district, made for the test, with one delegate and its hall TV moved into it).
 * The chair and the province's hall TV are on the province's node (the meeting's node), the floor
 * holder of Lạc Sơn on Lạc Sơn's, the two of Kim Bôi on Kim Bôi's. Signaling links the nodes around
 * the province's and sends over each link only what the far node needs, once. Two signaling nodes:
 * the province's people use the first, the districts' the second.
 *
 * Each server on a host of its own where the machine allows it (network namespaces), so the
 * traffic into a node can be read off its host's interface.
 */
const PROVINCE = { id: 'sfu-tinh', unitId: 'tinh-hoa-binh' };
const LAC_SON = { id: 'sfu-lac-son', unitId: 'huyen-lac-son' };
const KIM_BOI = { id: 'sfu-kim-boi', unitId: 'huyen-kim-boi' };
const KIM_BOI_HALL = 'u-diemcau-huyen';

let stack: FaultStack;
let meeting: MeetingInProgress;
let kimBoiHall: MeetingEndpoint;
const probes: Record<string, SfuProbe> = {};

beforeAll(async () => {
  stack = await startFaultStack({
    sfuNodes: [PROVINCE, LAC_SON, KIM_BOI],
    separateHosts: await canSimulateHosts(),
    signalingNodes: 2,
    signalingEnv: { SFU_PEER_PLACEMENT: 'unit' },
  });
  for (const [index, node] of [PROVINCE, LAC_SON, KIM_BOI].entries()) probes[node.id] = await SfuProbe.connect(stack.sfus[index]!.url, stack.sfus[index]!.secret);
  await moveIntoNewUnit(stack, { id: KIM_BOI.unitId, name: 'Huyện Kim Bôi', level: 'district', parentId: PROVINCE.unitId }, ['u-daibieu2', KIM_BOI_HALL]);
  // The districts' people through the second signaling node, the province's through the first: the
  // chair's grant and the holder's camera pass through different nodes, whose cascades must agree.
  meeting = await startMeeting(stack, { holder: 1, queued: 1 });
  await eventually(async () => {
    if (!(await growingStreams(meeting.queued)).includes('feed:video')) throw new Error('no main screen in Kim Bôi yet');
  }, 30_000);
}, SET_UP_MS);

afterAll(async () => {
  try {
    kimBoiHall?.close();
    meeting?.close();
    for (const probe of Object.values(probes)) probe.close();
  } finally {
    await stack?.stop();
  }
});

/** The peers of the meeting on each node. */
async function peersPerNode(): Promise<Record<string, number>> {
  return Object.fromEntries(await Promise.all(Object.entries(probes).map(async ([id, probe]) => [id, await probe.peerCount(MEETING_ID)] as const)));
}

/** Resolves with the next main-screen source this endpoint hears that shows `userId`. */
function nextMainFeed(endpoint: MeetingEndpoint, userId: string, timeoutMs = 20_000): Promise<MainFeedSource> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${endpoint.userId}: main screen never showed ${userId}`)), timeoutMs);
    const listener = (source: MainFeedSource) => {
      if (source.userId !== userId) return;
      clearTimeout(timer);
      endpoint.socket.off('media:mainFeed', listener);
      resolve(source);
    };
    endpoint.socket.on('media:mainFeed', listener);
  });
}

/** Bytes received so far by a simulated host (every interface but loopback). */
async function bytesInto(host: string): Promise<number> {
  const { stdout } = await promisify(execFile)('ip', ['netns', 'exec', stack.network!.hosts[host]!.netns, 'cat', '/proc/net/dev']);
  return stdout
    .split('\n')
    .slice(2)
    .filter((line) => line.includes(':') && !line.trim().startsWith('lo:'))
    .reduce((sum, line) => sum + Number(line.split(':')[1]!.trim().split(/\s+/)[0]), 0);
}

async function rateInto(host: string, windowMs = 4_000): Promise<number> {
  const before = await bytesInto(host);
  await sleep(windowMs);
  return ((await bytesInto(host)) - before) / (windowMs / 1000);
}

describe('one meeting over the SFU nodes of its units', () => {
  it("puts each peer on its unit's node: the province's people on the meeting's node, each district's on its own", async () => {
    expect(await eventually(async () => {
      const peers = await peersPerNode();
      if (peers[KIM_BOI.id] !== 1) throw new Error(JSON.stringify(peers));
      return peers;
    }, 10_000)).toEqual({ [PROVINCE.id]: 2, [LAC_SON.id]: 1, [KIM_BOI.id]: 1 });
  });

  it("switches every main screen, on every node, to a Lạc Sơn delegate given the floor; their voice reaches the others", async () => {
    const watchers = [meeting.chair, meeting.hall, meeting.queued];
    const backToChair = watchers.map((endpoint) => nextMainFeed(endpoint, USERS.chair));
    await meeting.chair.request('floor:release', {});
    await Promise.all(backToChair);

    const toHolder = watchers.map((endpoint) => nextMainFeed(endpoint, USERS.holder));
    await meeting.chair.request('floor:grant', { userId: USERS.holder });
    await meeting.holder.setMicOpen(true);
    await Promise.all(toHolder);
    for (const endpoint of watchers) {
      expect(
        await eventually(async () => {
          const streams = await growingStreams(endpoint);
          if (!streams.includes('feed:video') || !streams.includes('feed:audio')) throw new Error(`${endpoint.userId}: ${streams.join(', ')}`);
          return streams;
        }, 20_000),
      ).toEqual(expect.arrayContaining(['feed:audio', 'feed:video']));
    }
    // Kim Bôi's thumbnail of the chair: a camera of the province's node, received over the link.
    expect(await growingStreams(meeting.queued)).toContain(`${USERS.chair}:camera`);
  }, 120_000);

  it("brings the main camera into a district once, however many receivers it has there", async () => {
    const oneReceiver = stack.network ? await rateInto(KIM_BOI.id) : null;
    const before = await probes[KIM_BOI.id]!.request('room:traffic', { roomId: MEETING_ID });
    const url = stack.nodes[1]!.url;
    kimBoiHall = await MeetingEndpoint.join(KIM_BOI_HALL, { url, cookie: await stack.login('diemcau-huyen', url), meetingId: MEETING_ID, media: 'receive' });
    await kimBoiHall.showThumbnails([USERS.chair]);
    await eventually(async () => {
      const streams = await growingStreams(kimBoiHall);
      if (!['feed:audio', 'feed:video', `${USERS.chair}:camera`].every((label) => streams.includes(label))) throw new Error(streams.join(', '));
    }, 20_000);
    expect((await peersPerNode())[KIM_BOI.id]).toBe(2);
    const after = await probes[KIM_BOI.id]!.request('room:traffic', { roomId: MEETING_ID });
    // Twice the receivers in Kim Bôi (each consumes the feed and the chair's camera) ...
    expect(after.activeConsumers).toBeGreaterThanOrEqual(2 * before.activeConsumers);
    if (oneReceiver === null) return;
    // ... and no more coming into it over the link: every track crosses once.
    const twoReceivers = await rateInto(KIM_BOI.id);
    console.info(`into Kim Bôi's node: ${Math.round(oneReceiver / 1000)} kB/s with one receiver there, ${Math.round(twoReceivers / 1000)} kB/s with two`);
    expect(twoReceivers).toBeLessThan(oneReceiver * 1.35);
  }, 120_000);

  it("moves a dead district node's peers, and only them, to the meeting's node, with their media", async () => {
    const kimBoi = [meeting.queued, kimBoiHall];
    const others = [meeting.chair, meeting.hall, meeting.holder];
    const streams = new Map(await Promise.all(kimBoi.map(async (endpoint) => [endpoint, await growingStreams(endpoint)] as const)));
    const restartsBefore = others.map((endpoint) => endpoint.joins);
    const since = performance.now();

    await killProcess(stack.sfus[2]!.process);

    const backAfterMs = await waitForMediaBack(kimBoi.map((endpoint) => expectMedia(endpoint, streams.get(endpoint)!, true)), since, 45_000);
    expect(await eventually(async () => {
      const peers = { [PROVINCE.id]: await probes[PROVINCE.id]!.peerCount(MEETING_ID), [LAC_SON.id]: await probes[LAC_SON.id]!.peerCount(MEETING_ID) };
      if (peers[PROVINCE.id] !== 4) throw new Error(JSON.stringify(peers));
      return peers;
    }, 15_000)).toEqual({ [PROVINCE.id]: 4, [LAC_SON.id]: 1 });
    // The province and Lạc Sơn kept their sessions.
    expect(others.map((endpoint) => endpoint.joins)).toEqual(restartsBefore);
    console.info(`Kim Bôi's node killed: its receivers back on the province's node after ${Math.round(backAfterMs)} ms`);
  }, 120_000);

  it('links a district node again when it comes back: a new Kim Bôi peer lands there and gets its media over the new link', async () => {
    await stack.sfus[2]!.restart();
    const url = stack.nodes[1]!.url;
    // Both signaling nodes must see it again before the endpoint comes back (either may place it).
    for (const node of stack.nodes) {
      await eventually(async () => {
        const servers = (await (await fetch(`${node.url}/api/admin/media-servers`, { headers: { cookie: await stack.login('admin', node.url) } })).json()) as { id: string; connected: boolean }[];
        if (!servers.some((server) => server.id === KIM_BOI.id && server.connected)) throw new Error(`${KIM_BOI.id} not back at ${node.url}`);
      }, 20_000);
    }
    kimBoiHall.close();
    kimBoiHall = await MeetingEndpoint.join(KIM_BOI_HALL, { url, cookie: await stack.login('diemcau-huyen', url), meetingId: MEETING_ID, media: 'receive' });
    await kimBoiHall.showThumbnails([USERS.chair]);
    await eventually(async () => {
      const streams = await growingStreams(kimBoiHall);
      if (!['feed:audio', 'feed:video', `${USERS.chair}:camera`].every((label) => streams.includes(label))) throw new Error(streams.join(', '));
    }, 30_000);
    expect(await eventually(async () => {
      const peers = await peersPerNode();
      if (peers[KIM_BOI.id] !== 1 || peers[PROVINCE.id] !== 3) throw new Error(JSON.stringify(peers));
      return peers;
    }, 15_000)).toEqual({ [PROVINCE.id]: 3, [LAC_SON.id]: 1, [KIM_BOI.id]: 1 });
  }, 120_000);
});
