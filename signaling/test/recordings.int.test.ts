import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSfuServer, type SfuServerHandle } from '@ehop/testkit';
import { DEMO_MEETING_ID, RESTRICTED_MEETING_ID } from '../src/seed/demo-seed.js';
import { storeFinishedRecording } from './support/recording-fixtures.js';
import { closeAllSockets, connectSocket, getJson, login, nextEvent, request, sendJson, startStack, type TestStack } from './support/harness.js';

/*
 * Who may record and who may fetch a recording, through signaling with a real SFU and Redis.
 * The media path itself (floor switch, gaps, ffprobe) is tested in recordings/test.
 */
let sfu: SfuServerHandle;
let stack: TestStack;
let url: string;

beforeAll(async () => {
  sfu = await startSfuServer({ env: { SFU_WORKERS: '1', LOG_LEVEL: 'warn' } });
  stack = await startStack({ sfuUrl: sfu.url, sfuSecret: sfu.secret });
  url = stack.nodes[0]!.url;
  const chair = await login(url, 'chutri');
  expect((await sendJson('POST', `${url}/api/meetings/${DEMO_MEETING_ID}/status`, chair, { status: 'in_progress' })).status).toBe(200);
});
afterEach(() => closeAllSockets());
afterAll(async () => {
  await stack?.stop();
  await sfu?.stop();
});

async function joined(username: string) {
  const socket = await connectSocket(url, await login(url, username));
  const ack = await request(socket, 'meeting:join', { meetingId: DEMO_MEETING_ID });
  if (!ack.ok) throw new Error(`${username} could not join: ${ack.error.code}`);
  return socket;
}

describe('recording control', () => {
  it('refuses a delegate, lets the chair start, and everyone sees the indicator until it stops', async () => {
    const delegate = await joined('daibieu1');
    const chair = await joined('chutri');

    const refused = await request(delegate, 'recording:start', { meetingId: DEMO_MEETING_ID });
    expect(refused.ok ? 'started' : refused.error.code).toBe('forbidden');
    const state = await request(delegate, 'recording:state', { meetingId: DEMO_MEETING_ID });
    expect(state.ok && state.data.status).toBe('off');

    const announced = nextEvent(delegate, 'recording:state');
    const started = await request(chair, 'recording:start', { meetingId: DEMO_MEETING_ID });
    if (!started.ok) throw new Error(`start failed: ${started.error.code} ${started.error.message}`);
    expect(started.data.status).toBe('recording');
    expect((await announced).status).toBe('recording');
    const again = await request(chair, 'recording:start', { meetingId: DEMO_MEETING_ID });
    expect(again.ok ? 'started twice' : again.error.code).toBe('conflict');
    const delegateStop = await request(delegate, 'recording:stop', { meetingId: DEMO_MEETING_ID });
    expect(delegateStop.ok ? 'stopped' : delegateStop.error.code).toBe('forbidden');

    const off = new Promise((resolve) => delegate.on('recording:state', (event: { status: string }) => event.status === 'off' && resolve(event)));
    const stopped = await request(chair, 'recording:stop', { meetingId: DEMO_MEETING_ID });
    expect(stopped.ok).toBe(true);
    await off;
  }, 60_000);
});

describe('fetching recordings', () => {
  it('serves a recording to its meeting members with the right role only', async () => {
    await storeFinishedRecording(stack.dataDir, RESTRICTED_MEETING_ID, 'rec-other', 'restricted meeting recording');
    await storeFinishedRecording(stack.dataDir, DEMO_MEETING_ID, 'rec-demo', 'demo meeting recording');
    const delegate1 = await login(url, 'daibieu1'); // member of both meetings
    const delegate2 = await login(url, 'daibieu2'); // member of the demo meeting only
    const endpoint = await login(url, 'diemcau-huyen');

    const own = await getJson(`${url}/api/meetings/${DEMO_MEETING_ID}/recordings/rec-demo/file`, delegate2);
    expect(own.status).toBe(200);
    expect(await own.text()).toBe('demo meeting recording');
    const list = await getJson(`${url}/api/meetings/${DEMO_MEETING_ID}/recordings`, delegate2);
    expect(((await list.json()) as { recordings: { id: string }[] }).recordings.map((recording) => recording.id)).toContain('rec-demo');

    // Another meeting's recording through this meeting's address: not found, whoever asks.
    expect((await getJson(`${url}/api/meetings/${DEMO_MEETING_ID}/recordings/rec-other/file`, delegate1)).status).toBe(404);
    // Not a member of that meeting.
    expect((await getJson(`${url}/api/meetings/${RESTRICTED_MEETING_ID}/recordings/rec-other/file`, delegate2)).status).toBe(403);
    // A member whose role does not include recordings.
    expect((await getJson(`${url}/api/meetings/${DEMO_MEETING_ID}/recordings/rec-demo/file`, endpoint)).status).toBe(403);
    expect((await getJson(`${url}/api/meetings/${DEMO_MEETING_ID}/recordings`, endpoint)).status).toBe(403);
    // An administrator who is not a member (the archive's ZIP applies the same rule).
    const admin = await login(url, 'admin');
    expect((await getJson(`${url}/api/meetings/${RESTRICTED_MEETING_ID}/recordings/rec-other/file`, admin)).status).toBe(403);
    // Path tricks never leave the meeting's folder.
    expect((await getJson(`${url}/api/meetings/${DEMO_MEETING_ID}/recordings/..%2F${RESTRICTED_MEETING_ID}%2Frec-other/file`, delegate1)).status).toBeGreaterThanOrEqual(400);
  });
});
