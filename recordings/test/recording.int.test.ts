import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSfuServer, type SfuServerHandle } from '@ehop/testkit';
import { RecordingFiles, type RecordingRecord } from '../src/recording-files.js';
import { RecordingSession } from '../src/recording-session.js';
import { policy, SyntheticMeeting, TestSfuLink } from './support/synthetic-meeting.js';

/*
 * A real SFU, real ffmpeg: two synthetic endpoints publish, the recorder follows the first one's
 * camera and microphone, then the second one's (the floor changes hands), and the file must have
 * one video and one audio track with no hole at the switch.
 */
const run = promisify(execFile);
let sfu: SfuServerHandle;
let link: TestSfuLink;
let root: string;

beforeAll(async () => {
  sfu = await startSfuServer({ env: { SFU_ENABLE_PLAIN_RTP: '1', LOG_LEVEL: 'warn' } });
  link = await TestSfuLink.connect(sfu.url, sfu.secret);
  root = await mkdtemp(join(tmpdir(), 'ehop-recordings-'));
});
afterAll(async () => {
  link?.close();
  await sfu?.stop();
  await rm(root, { recursive: true, force: true });
});

const log = { warn: (details: object, message: string) => console.warn(message, details) };

function newRecord(meetingId: string, id: string): RecordingRecord {
  return {
    id, meetingId, status: 'recording', startedAt: new Date().toISOString(), endedAt: null, startedBy: 'chair',
    recorderPid: process.pid, ffmpegPid: null, chapters: [], title: 'Test meeting', durationSec: null, sizeBytes: null, sha256: null, recovered: false, failure: null, gaps: [],
  };
}

async function packetTimes(path: string, stream: 'v:0' | 'a:0'): Promise<number[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', stream, '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', path], { maxBuffer: 64 << 20 });
  return stdout.split('\n').map((line) => Number.parseFloat(line)).filter(Number.isFinite).sort((a, b) => a - b);
}

function largestGap(times: number[]): number {
  let gap = 0;
  for (let index = 1; index < times.length; index++) gap = Math.max(gap, times[index]! - times[index - 1]!);
  return gap;
}

describe('recording a meeting through the SFU', () => {
  it('follows a floor switch without a gap and finalises one file with chapters', async () => {
    const meeting = await SyntheticMeeting.open(link, 'rec-room-1', join(tmpdir(), 'ehop-recording-clips'));
    try {
      await link.request('room:setPolicy', { roomId: meeting.roomId, policy: policy(1, ['alice', 'bob'], 'alice') });
      await meeting.addEndpoint('alice', 1000);
      await meeting.addEndpoint('bob', 2000);
      const files = new RecordingFiles(root);
      const session = await RecordingSession.start({
        record: newRecord(meeting.roomId, 'rec1'), files, sfu: link, log, target: { videoUserId: 'alice', audioUserIds: ['alice'] },
      });
      session.markChapter('1. Khai mạc');
      await sleep(3000);
      await session.follow({ videoUserId: 'bob', audioUserIds: ['bob'] });
      session.markChapter('2. Thảo luận');
      await sleep(3000);
      const record = await session.stop();

      expect(record.status).toBe('finished');
      const path = files.paths(meeting.roomId, 'rec1').final;
      const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name:format=duration', '-show_chapters', '-of', 'json', path]);
      const probe = JSON.parse(stdout) as { streams: { codec_type: string; codec_name: string }[]; format: { duration: string }; chapters: { tags: { title: string } }[] };
      expect(probe.streams.map((stream) => `${stream.codec_type}/${stream.codec_name}`).sort()).toEqual(['audio/opus', 'video/vp8']);
      expect(Number(probe.format.duration)).toBeGreaterThan(5);
      expect(Number(probe.format.duration)).toBeLessThan(7);
      expect(probe.chapters.map((chapter) => chapter.tags.title)).toEqual(['1. Khai mạc', '2. Thảo luận']);

      const video = await packetTimes(path, 'v:0');
      const audio = await packetTimes(path, 'a:0');
      expect(video.length).toBeGreaterThan(50);
      expect(largestGap(video)).toBeLessThan(1);
      expect(largestGap(audio)).toBeLessThan(1);
      // Both halves are there: the recording spans the switch.
      expect(video.at(-1)! - video[0]!).toBeGreaterThan(4.5);

      const listed = await files.list(meeting.roomId);
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ id: 'rec1', status: 'finished', sizeBytes: record.sizeBytes, sha256: record.sha256 });
      expect(await files.list('another-meeting')).toEqual([]);
    } finally {
      meeting.close();
    }
  }, 120_000);
});
