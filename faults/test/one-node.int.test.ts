import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEETING_ID, SET_UP_MS, startFaultStack, type FaultStack } from '../src/fault-stack.js';
import { FAULTS, type Fault } from '../src/faults.js';
import { meetingRecord, startMeeting, USERS, type MeetingInProgress } from '../src/meeting-scenario.js';
import {
  attendanceWithoutGhosts,
  eventually,
  expectMedia,
  growingStreams,
  settledAttendance,
  waitForMediaBack,
  watchOwnFeed,
} from '../src/recovery-checks.js';

/*
 * The fault suite: one meeting in progress (two senders, two receive-only endpoints, a secretary;
 * agenda, attendance, votes, minutes, the floor and its queue on record) through each fault in
 * turn, with every server a real process. After each: media is back at every receiver by itself,
 * the record is what it was, and nobody is there twice (SFU peers, presence, rosters).
 */

/** Short, so a killed node's ghosts go quickly in the test; the default is in sfu-server/README.md. */
const NODE_GRACE_MS = 3_000;
const MEDIA_BACK_MS = 45_000;
const FAULT_TEST_MS = 120_000;

let stack: FaultStack;
let meeting: MeetingInProgress;
/** Each receiver's streams before any fault (checked below to be what a participant gets). */
let streams: Map<string, string[]>;

beforeAll(async () => {
  stack = await startFaultStack({ nodeGraceMs: NODE_GRACE_MS });
  meeting = await startMeeting(stack);
  streams = new Map();
  await eventually(async () => {
    for (const endpoint of meeting.inMedia) streams.set(endpoint.userId, await growingStreams(endpoint));
    if ((streams.get(USERS.hall)?.length ?? 0) < 4) throw new Error('media not flowing yet');
  }, 20_000);
}, SET_UP_MS);

afterAll(async () => {
  try {
    meeting?.close();
  } finally {
    await stack?.stop();
  }
});

describe('a meeting in progress, before any fault', () => {
  it('gives each receiver the main-screen feed (the holder\'s picture and voice) and its thumbnails; the holder gets their own feed back from nobody', () => {
    expect(Object.fromEntries(streams)).toEqual({
      [USERS.chair]: ['feed:audio', 'feed:video'],
      [USERS.holder]: [`${USERS.chair}:camera`],
      [USERS.queued]: ['feed:audio', 'feed:video', `${USERS.chair}:camera`],
      [USERS.hall]: ['feed:audio', 'feed:video', `${USERS.chair}:camera`, `${USERS.holder}:camera`],
    });
  });
});

describe.each([FAULTS.workerKilled, FAULTS.sfuRestarted, FAULTS.signalingRestarted, FAULTS.redisRestarted, FAULTS.redisKilled])('$name', (fault: Fault) => {
  it(
    'media comes back at every receiver by itself, the record is unchanged, nobody is there twice, and the holder never hears or sees themself',
    async () => {
      const before = await meetingRecord(meeting);
      const expectations = meeting.inMedia.map((endpoint) => expectMedia(endpoint, streams.get(endpoint.userId)!, fault.forcesRejoin));
      const echo = watchOwnFeed(meeting.holder);
      const since = performance.now();

      await fault.inject(stack);
      const backAfterMs = await waitForMediaBack(expectations, since, MEDIA_BACK_MS);

      expect(await settledAttendance(stack, meeting.inMedia, NODE_GRACE_MS + 10_000)).toEqual(attendanceWithoutGhosts(meeting.inMedia));
      expect(await eventually(() => meetingRecord(meeting), 15_000)).toEqual(before);
      // And media still flows once everything has settled.
      await waitForMediaBack(expectations.map((expectation) => ({ ...expectation, joinsBefore: null })), performance.now(), 10_000);
      expect(await echo.stop()).toEqual({ video: 0, audio: 0 });
      console.info(`${fault.name}: media back at every receiver after ${Math.round(backAfterMs)} ms`);
    },
    FAULT_TEST_MS,
  );
});

describe('a mediasoup worker killed while a recording runs', () => {
  it(
    'the recording goes on in the same file once the room is back, and is finalised with the gap marked',
    async () => {
      const scope = { meetingId: MEETING_ID };
      const started = await meeting.chair.request('recording:start', scope);
      await sleep(3_000);
      const expectations = meeting.inMedia.map((endpoint) => expectMedia(endpoint, streams.get(endpoint.userId)!, true));
      const since = performance.now();
      await FAULTS.workerKilled.inject(stack);
      await waitForMediaBack(expectations, since, MEDIA_BACK_MS);
      await sleep(4_000);
      const summary = await meeting.chair.request('recording:stop', scope);

      expect(summary).toMatchObject({ id: started.recordingId, status: 'finished', failure: null });
      expect(summary.gaps).toHaveLength(1);
      const [gap] = summary.gaps;
      expect(gap!.atMs).toBeGreaterThan(2_000);
      expect(gap!.durationMs).toBeGreaterThan(0);
      // One file with the picture from before the gap and from after it.
      const path = join(stack.dataDir, 'recordings', MEETING_ID, `${summary.id}.mkv`);
      const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', path], { maxBuffer: 64 << 20 });
      const videoTimes = stdout.split('\n').map(Number.parseFloat).filter(Number.isFinite);
      const gapEndSec = (gap!.atMs + gap!.durationMs) / 1000;
      expect(videoTimes.filter((time) => time < gap!.atMs / 1000).length).toBeGreaterThan(10);
      expect(videoTimes.filter((time) => time > gapEndSec).length).toBeGreaterThan(10);
    },
    FAULT_TEST_MS,
  );
});
