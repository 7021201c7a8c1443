import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaServerStatus } from '@ehop/protocol';
import { canSimulateHosts, killProcess } from '@ehop/testkit';
import { MEETING_ID, SET_UP_MS, SfuProbe, startFaultStack, type FaultStack } from '../src/fault-stack.js';
import { meetingRecord, startMeeting, USERS, type MeetingInProgress } from '../src/meeting-scenario.js';
import { eventually, expectMedia, growingStreams, waitForMediaBack, watchOwnFeed } from '../src/recovery-checks.js';

/*
 * Two SFU nodes announce themselves in Redis, one for the district of Lạc Sơn and one for the
 * province; signaling has no SFU_URL and finds them there. The demo meeting is the province's
 * (its chair works at the province): it goes to the province's node although the district's
 * would win a tie on load, and is recorded. Then the province's node dies: its endpoints must
 * come back on the district's node by themselves, with media, the record unchanged, and the
 * recording must go on from the new node in the same file, the gap marked.
 *
 * Signaling and each SFU node run on hosts of their own (network namespaces with their own
 * addresses, where the machine allows it: root), so nothing may assume they share 127.0.0.1.
 */
const DISTRICT = { id: 'sfu-lac-son', unitId: 'huyen-lac-son' };
const PROVINCE = { id: 'sfu-tinh', unitId: 'tinh-hoa-binh' };

let stack: FaultStack;
let meeting: MeetingInProgress;
let district: SfuProbe;
let province: SfuProbe;

beforeAll(async () => {
  stack = await startFaultStack({ sfuNodes: [DISTRICT, PROVINCE], separateHosts: await canSimulateHosts() });
  district = await SfuProbe.connect(stack.sfus[0]!.url, stack.sfus[0]!.secret);
  province = await SfuProbe.connect(stack.sfus[1]!.url, stack.sfus[1]!.secret);
  meeting = await startMeeting(stack);
  await eventually(async () => {
    if ((await growingStreams(meeting.hall)).length < 4) throw new Error('media not flowing yet');
  }, 20_000);
}, SET_UP_MS);

afterAll(async () => {
  try {
    meeting?.close();
    district?.close();
    province?.close();
  } finally {
    await stack?.stop();
  }
});

describe('several SFU nodes found in Redis', () => {
  it("carries the province's meeting on the province's node", async () => {
    if (stack.network) {
      // Each server on a host of its own: nothing reaches another through 127.0.0.1.
      const hosts = [...stack.sfus.map((sfu) => sfu.url), stack.nodes[0]!.url].map((url) => new URL(url).hostname);
      expect(new Set(hosts).size).toBe(3);
      expect(hosts).not.toContain('127.0.0.1');
    }
    expect(await province.peerCount(MEETING_ID)).toBe(meeting.inMedia.length);
    expect(await district.peerCount(MEETING_ID)).toBe(0);
  });

  it(
    'moves the meeting to a live node when its node dies: media back everywhere, nobody hears themself, the record unchanged, the recording goes on',
    async () => {
      const scope = { meetingId: MEETING_ID };
      const recording = await meeting.chair.request('recording:start', scope);
      const streams = new Map(await Promise.all(meeting.inMedia.map(async (endpoint) => [endpoint, await growingStreams(endpoint)] as const)));
      expect(streams.get(meeting.hall)).toEqual(['feed:audio', 'feed:video', `${USERS.chair}:camera`, `${USERS.holder}:camera`]);
      const before = await meetingRecord(meeting);
      const expectations = meeting.inMedia.map((endpoint) => expectMedia(endpoint, streams.get(endpoint)!, true));
      const echo = watchOwnFeed(meeting.holder);
      await sleep(3_000);
      const since = performance.now();

      await killProcess(stack.sfus[1]!.process);

      const backAfterMs = await waitForMediaBack(expectations, since, 45_000);
      expect(await eventually(async () => {
        const peers = await district.peerCount(MEETING_ID);
        if (peers !== meeting.inMedia.length) throw new Error(`${peers} peers on the district's node`);
        return peers;
      }, 15_000)).toBe(meeting.inMedia.length);
      expect(await eventually(() => meetingRecord(meeting), 15_000)).toEqual(before);
      // The administrators see which server went down, and where the meeting's people are now.
      const servers = (await (await fetch(`${stack.nodes[0]!.url}/api/admin/media-servers`, { headers: { cookie: await stack.login('admin') } })).json()) as MediaServerStatus[];
      expect(servers.map(({ id, connected, load }) => ({ id, connected, peers: load?.peers ?? null }))).toEqual([
        { id: DISTRICT.id, connected: true, peers: meeting.inMedia.length },
        { id: PROVINCE.id, connected: false, peers: null },
      ]);
      expect(servers[1]!.goneSince).toBeGreaterThan(Date.now() - 60_000);
      expect(await echo.stop()).toEqual({ video: 0, audio: 0 });

      await sleep(4_000);
      const summary = await meeting.chair.request('recording:stop', scope);
      expect(summary).toMatchObject({ id: recording.recordingId, status: 'finished', failure: null });
      expect(summary.gaps).toHaveLength(1);
      const gap = summary.gaps[0]!;
      const path = join(stack.dataDir, 'recordings', MEETING_ID, `${summary.id}.mkv`);
      const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', path], {
        maxBuffer: 64 << 20,
      });
      const videoTimes = stdout.split('\n').map(Number.parseFloat).filter(Number.isFinite);
      // Pictures from the province's node before the gap, and from the district's after it.
      expect(videoTimes.filter((time) => time < gap.atMs / 1000).length).toBeGreaterThan(10);
      expect(videoTimes.filter((time) => time > (gap.atMs + gap.durationMs) / 1000).length).toBeGreaterThan(10);
      const where = stack.network ? 'each server on a host of its own' : 'all on loopback (this machine cannot make network namespaces)';
      console.info(`SFU node of the meeting killed (${where}): media back at every receiver on another node after ${Math.round(backAfterMs)} ms`);
    },
    120_000,
  );
});
