import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { chaptersOf, ffmetadata, type ChapterMark } from './chapters.js';

const run = promisify(execFile);

export async function probeDurationSec(path: string, ffprobePath = 'ffprobe'): Promise<number> {
  const { stdout } = await run(ffprobePath, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', path]);
  const duration = Number.parseFloat(stdout.trim());
  if (Number.isFinite(duration)) return duration;
  // A part file cut short by a crash has no duration in its header: read it from the last packet.
  const { stdout: packets } = await run(ffprobePath, ['-v', 'error', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', path], { maxBuffer: 64 << 20 });
  return Math.max(0, ...packets.split('\n').map((line) => Number.parseFloat(line)).filter(Number.isFinite));
}

export interface FinaliseInput {
  partPath: string;
  finalPath: string;
  chaptersPath: string;
  title: string;
  marks: readonly ChapterMark[];
  ffmpegPath?: string;
}

/**
 * Rewrites the part file into the final one with its chapters (stream copy: seconds even for an
 * hour), then removes the part. Works as well on a part a crash left without its index.
 */
export async function finaliseRecording(input: FinaliseInput): Promise<{ durationSec: number }> {
  const durationMs = (await probeDurationSec(input.partPath)) * 1000;
  await writeFile(input.chaptersPath, ffmetadata(input.title, chaptersOf(input.marks, durationMs)));
  await run(input.ffmpegPath ?? 'ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-i', input.partPath, '-i', input.chaptersPath,
    '-map', '0', '-map_metadata', '1', '-map_chapters', '1', '-c', 'copy',
    '-f', 'matroska', input.finalPath,
  ]);
  await rm(input.partPath, { force: true });
  await rm(input.chaptersPath, { force: true });
  return { durationSec: await probeDurationSec(input.finalPath) };
}
