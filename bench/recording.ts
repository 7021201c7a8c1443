/*
 * Recording cost and finalisation time, against a real SFU and Debian's ffmpeg.
 *
 *   source scripts/lib/common.sh && npx tsx bench/recording.ts
 *
 * Three meetings, each with two synthetic endpoints publishing VP8 (640x360, 15 fps, ~350 kbps)
 * + Opus from a clip. Phases of PHASE_S seconds, CPU from /proc for this process (the recorder's
 * relay runs here, as it does inside signaling; the senders too), its ffmpeg children and the SFU:
 *   baseline   the same meetings, not recording
 *   1 rec      one meeting recording (the floor switches every 3 s)
 *   3 rec      the three meetings recording
 * Then "stop -> playable": from stop() to a file that ffprobe reads.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { startSfuServer } from '@ehop/testkit';
import { RecordingFiles, RecordingSession, type RecordingRecord } from '../recordings/src/index.js';
import { policy, SyntheticMeeting, TestSfuLink } from '../recordings/test/support/synthetic-meeting.js';
import { CpuMeter } from './lib/process-cpu.js';

const PHASE_S = Number(process.env['BENCH_PHASE_S'] ?? 15);
const run = promisify(execFile);
const log = { warn: (details: object, message: string) => console.warn(message, details) };

const sfu = await startSfuServer({ env: { SFU_ENABLE_PLAIN_RTP: '1', SFU_WORKERS: '1', LOG_LEVEL: 'warn' } });
const link = await TestSfuLink.connect(sfu.url, sfu.secret);
const root = await mkdtemp(join(tmpdir(), 'ehop-bench-rec-'));
const files = new RecordingFiles(root);
const meetings: SyntheticMeeting[] = [];
const sessions: RecordingSession[] = [];
/** The SFU's Node process and its mediasoup workers (its children). */
const sfuPids = () => {
  const pid = sfu.process.pid!;
  const children = (() => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  })();
  return [pid, ...children];
};
const ffmpegPids = () => sessions.flatMap((session) => (session.current.ffmpegPid ? [session.current.ffmpegPid] : []));

try {
  for (let index = 0; index < 3; index++) {
    const meeting = await SyntheticMeeting.open(link, `bench-rec-${index}`, join(tmpdir(), 'ehop-recording-clips'));
    await link.request('room:setPolicy', { roomId: meeting.roomId, policy: policy(1, ['alice', 'bob'], 'alice') });
    await meeting.addEndpoint('alice', 1000 + index * 10);
    await meeting.addEndpoint('bob', 2000 + index * 10);
    meetings.push(meeting);
  }
  await sleep(2000);

  const measure = async (name: string) => {
    const own = new CpuMeter(() => [process.pid]);
    const children = new CpuMeter(ffmpegPids);
    const media = new CpuMeter(sfuPids);
    [own, children, media].forEach((meter) => meter.start());
    // Switch the floor every 3 s in every recording: the relay's cut-overs are part of the cost.
    for (let elapsed = 0; elapsed < PHASE_S; elapsed += 3) {
      await sleep(Math.min(3, PHASE_S - elapsed) * 1000);
      const speaker = Math.floor(elapsed / 3) % 2 === 0 ? 'bob' : 'alice';
      await Promise.all(sessions.map((session) => session.follow({ videoUserId: speaker, audioUserIds: [speaker] })));
    }
    const row = { phase: name, recorderAndSenders: own.stop(), ffmpeg: children.stop(), sfu: media.stop(), load1: loadavg()[0]! };
    console.log(JSON.stringify(row));
    return row;
  };

  const start = async (meeting: SyntheticMeeting) => {
    const record: RecordingRecord = {
      id: `bench-${sessions.length}`, meetingId: meeting.roomId, status: 'recording', startedAt: new Date().toISOString(), endedAt: null,
      startedBy: 'bench', recorderPid: process.pid, ffmpegPid: null, chapters: [], title: 'bench', durationSec: null, sizeBytes: null, sha256: null, recovered: false, failure: null, gaps: [],
    };
    sessions.push(await RecordingSession.start({ record, files, sfu: link, log, target: { videoUserId: 'alice', audioUserIds: ['alice'] } }));
  };

  const baseline = await measure('baseline (3 meetings, not recording)');
  await start(meetings[0]!);
  const one = await measure('1 recording');
  await start(meetings[1]!);
  await start(meetings[2]!);
  const three = await measure('3 recordings');

  const total = (row: typeof baseline) => row.recorderAndSenders + row.ffmpeg + row.sfu;
  console.log('\nCPU, % of one core (this machine has 2 cores), over', PHASE_S, 's per phase');
  console.table([baseline, one, three].map((row) => ({ ...row, total: total(row) })).map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'number' ? Number(value.toFixed(1)) : value]))));
  console.log(`per recording: 1 rec ${(total(one) - total(baseline)).toFixed(1)}%, 3 rec ${((total(three) - total(baseline)) / 3).toFixed(1)}% of a core (vs baseline)`);

  const finalisation: { recording: string; durationSec: number; stopToPlayableMs: number }[] = [];
  for (const session of sessions.splice(0)) {
    const stoppedAt = performance.now();
    const record = await session.stop();
    await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', files.paths(record.meetingId, record.id).final]);
    finalisation.push({ recording: record.id, durationSec: Number(record.durationSec?.toFixed(1)), stopToPlayableMs: Math.round(performance.now() - stoppedAt) });
  }
  console.log('\nstop -> playable (ffprobe reads the final file), sequentially');
  console.table(finalisation);
  console.log('load average', loadavg().map((value) => value.toFixed(2)).join(' '));
} finally {
  for (const session of sessions) await session.stop().catch(() => undefined);
  for (const meeting of meetings) meeting.close();
  link.close();
  await sfu.stop();
  await rm(root, { recursive: true, force: true });
}
