import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingRecord } from '@ehop/recordings';

/** A finished recording as the recorder leaves it on disk: the file and its JSON record beside it. */
export async function storeFinishedRecording(dataDir: string, meetingId: string, id: string, bytes: string): Promise<void> {
  const dir = join(dataDir, 'recordings', meetingId);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${id}.mkv`), bytes);
  const record: RecordingRecord = {
    id, meetingId, status: 'finished', startedAt: '2026-11-27T08:00:00.000Z', endedAt: '2026-11-27T08:10:00.000Z', startedBy: 'u-chutri',
    recorderPid: null, ffmpegPid: null, chapters: [], title: 't', durationSec: 600, sizeBytes: Buffer.byteLength(bytes),
    sha256: createHash('sha256').update(bytes).digest('hex'), recovered: false, failure: null, gaps: [],
  };
  await writeFile(join(dir, `${id}.json`), JSON.stringify(record));
}
