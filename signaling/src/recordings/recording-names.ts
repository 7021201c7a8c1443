import type { RecordingRecord } from '@ehop/recordings';
import { compactStamp, fileNameStamp, vietnamDateTime } from '../format/vietnam-time.js';

/*
 * How a recording is named for people, in Vietnam time whatever the server's clock: its title
 * in the dossier, the file name of the download and of the dossier's copy, and its id.
 */

/** "Họp trực tuyến UBND tỉnh — ghi hình 04/12/2026 10:05" */
export function recordingTitle(record: Pick<RecordingRecord, 'title' | 'startedAt'>): string {
  return `${record.title} — ghi hình ${vietnamDateTime(record.startedAt)}`;
}

/** "ghi-hinh-2026-12-04-1005.mkv": sorts by start, no character a file system refuses. */
export function recordingFileName(record: Pick<RecordingRecord, 'startedAt'>): string {
  return `ghi-hinh-${fileNameStamp(record.startedAt)}.mkv`;
}

/** "rec-20261204100509-a1b2c3": the start in Vietnam time, then random hex so two never collide. */
export function recordingId(startedAt: Date, randomHex: string): string {
  return `rec-${compactStamp(startedAt)}-${randomHex}`;
}
