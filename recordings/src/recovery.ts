import { setTimeout as sleep } from 'node:timers/promises';
import { RecordingFiles, type RecordingRecord } from './recording-files.js';
import { finaliseRecord, type SessionLog } from './recording-session.js';

function alive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * After a crash of the recorder process: every recording it left unfinished is finalised from its
 * part file (Matroska written cluster by cluster, so everything up to the last second is there).
 * An orphaned ffmpeg still running is interrupted first (SIGINT: it writes its index and exits).
 */
export async function recoverInterrupted(files: RecordingFiles, log: SessionLog, isLive: (record: RecordingRecord) => boolean): Promise<RecordingRecord[]> {
  const recovered: RecordingRecord[] = [];
  for (const meetingId of await files.meetingIds()) {
    for (const record of await files.list(meetingId)) {
      if ((record.status !== 'recording' && record.status !== 'finalising') || isLive(record)) continue;
      if (alive(record.recorderPid) && record.recorderPid !== process.pid) continue; // another recorder process owns it
      if (alive(record.ffmpegPid)) {
        process.kill(record.ffmpegPid!, 'SIGINT');
        for (let wait = 0; wait < 50 && alive(record.ffmpegPid); wait++) await sleep(100);
      }
      recovered.push(await finaliseRecord(files, record, log, true));
    }
  }
  return recovered;
}
