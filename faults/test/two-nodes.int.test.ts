import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killProcess } from '@ehop/testkit';
import { SET_UP_MS, startFaultStack, type FaultStack } from '../src/fault-stack.js';
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
 * Two signaling nodes on one Redis and one SFU; the floor holder and the hall TV are on the
 * second, which is killed. Browsers would reach the survivor through the load balancer's address
 * on their own; here the test points them at it (`moveTo`). The survivor must serve them, and
 * what the dead node held must be cleaned: its SFU peers (after the grace period), its presence,
 * the other participants' rosters; the floor stays with its holder.
 */
const NODE_GRACE_MS = 3_000;

let stack: FaultStack;
let meeting: MeetingInProgress;

beforeAll(async () => {
  stack = await startFaultStack({ signalingNodes: 2, nodeGraceMs: NODE_GRACE_MS });
  meeting = await startMeeting(stack, { holder: 1, hall: 1 });
  await eventually(async () => {
    if ((await growingStreams(meeting.hall)).length < 4) throw new Error('media not flowing yet');
  }, 20_000);
}, SET_UP_MS);

afterAll(async () => {
  try {
    meeting?.close();
  } finally {
    await stack?.stop();
  }
});

describe('one of two signaling nodes killed', () => {
  it(
    'its clients carry on through the other: media back everywhere, the record unchanged, its ghosts gone',
    async () => {
      const streams = new Map(await Promise.all(meeting.inMedia.map(async (endpoint) => [endpoint, await growingStreams(endpoint)] as const)));
      expect(streams.get(meeting.hall)).toEqual(['feed:audio', 'feed:video', `${USERS.chair}:camera`, `${USERS.holder}:camera`]);
      const before = await meetingRecord(meeting);
      const moved = [meeting.holder, meeting.hall];
      const expectations = meeting.inMedia.map((endpoint) => expectMedia(endpoint, streams.get(endpoint)!, moved.includes(endpoint)));
      const echo = watchOwnFeed(meeting.holder);
      const since = performance.now();

      await killProcess(stack.nodes[1]!.process);
      await Promise.all(moved.map((endpoint) => endpoint.moveTo(stack.nodes[0]!.url)));

      const backAfterMs = await waitForMediaBack(expectations, since, 45_000);
      expect(await settledAttendance(stack, meeting.inMedia, NODE_GRACE_MS + 10_000)).toEqual(attendanceWithoutGhosts(meeting.inMedia));
      // The chair and the queued delegate never left: they heard the dead node's peers leave.
      for (const stayed of [meeting.chair, meeting.queued]) expect(stayed.heard.filter(({ event }) => event === 'peer:left').length).toBeGreaterThanOrEqual(2);
      expect(await eventually(() => meetingRecord(meeting), 15_000)).toEqual(before);
      expect(await echo.stop()).toEqual({ video: 0, audio: 0 });
      console.info(`one of two signaling nodes killed: media back at every receiver after ${Math.round(backAfterMs)} ms`);
    },
    120_000,
  );
});
