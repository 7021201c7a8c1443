import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/*
 * Where recordings live: `<root>/<meetingId>/<recordingId>.mkv` with a JSON record beside it.
 * The record on disk is the truth for the archive (no Redis needed to build a dossier), and a
 * part file without a finished record is what a crash left behind, to be finalised on restart.
 */

export const RecordingRecord = z.object({
  id: z.string(),
  meetingId: z.string(),
  status: z.enum(['recording', 'finalising', 'finished', 'failed']),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  startedBy: z.string(),
  /** The recorder process (signaling node) and its ffmpeg, to tell a crash from a live recording. */
  recorderPid: z.number().int().nullable(),
  ffmpegPid: z.number().int().nullable(),
  chapters: z.array(z.object({ atMs: z.number(), title: z.string() })),
  title: z.string(),
  /** Set once finished. */
  durationSec: z.number().nullable(),
  sizeBytes: z.number().nullable(),
  sha256: z.string().nullable(),
  /** It was cut short by a crash and finalised from what was on disk. */
  recovered: z.boolean().default(false),
  /** Why a failed recording failed (for the list and the logs). */
  failure: z.string().nullable().default(null),
  /**
   * Stretches with no media, from the recording's start: the SFU lost the meeting's room (its
   * media worker died, or it restarted) and the recording went on once the room was back.
   */
  gaps: z.array(z.object({ atMs: z.number(), durationMs: z.number() })).default([]),
});
export type RecordingRecord = z.infer<typeof RecordingRecord>;

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class RecordingFiles {
  constructor(readonly root: string) {}

  dir(meetingId: string): string {
    if (!SAFE_ID.test(meetingId)) throw new Error(`unsafe meeting id ${meetingId}`);
    return join(this.root, meetingId);
  }

  paths(meetingId: string, recordingId: string) {
    if (!SAFE_ID.test(recordingId)) throw new Error(`unsafe recording id ${recordingId}`);
    const base = join(this.dir(meetingId), recordingId);
    return { part: `${base}.part.mkv`, final: `${base}.mkv`, record: `${base}.json`, sdp: `${base}.sdp`, chapters: `${base}.ffmeta` };
  }

  async save(record: RecordingRecord): Promise<void> {
    await mkdir(this.dir(record.meetingId), { recursive: true });
    const { record: path } = this.paths(record.meetingId, record.id);
    // Write then rename: a crash never leaves half a record.
    await writeFile(`${path}.tmp`, JSON.stringify(record, null, 2));
    await rename(`${path}.tmp`, path);
  }

  async get(meetingId: string, recordingId: string): Promise<RecordingRecord | null> {
    if (!SAFE_ID.test(meetingId) || !SAFE_ID.test(recordingId)) return null;
    const text = await readFile(this.paths(meetingId, recordingId).record, 'utf8').catch(() => null);
    return text === null ? null : RecordingRecord.parse(JSON.parse(text));
  }

  async list(meetingId: string): Promise<RecordingRecord[]> {
    if (!SAFE_ID.test(meetingId)) return [];
    const names = await readdir(this.dir(meetingId)).catch(() => [] as string[]);
    const records = await Promise.all(names.filter((name) => name.endsWith('.json')).map((name) => this.get(meetingId, name.slice(0, -5))));
    return records.filter((record): record is RecordingRecord => record !== null).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  }

  async meetingIds(): Promise<string[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    return entries.filter((entry) => entry.isDirectory() && SAFE_ID.test(entry.name)).map((entry) => entry.name);
  }
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function sizeOf(path: string): Promise<number> {
  return (await stat(path)).size;
}

