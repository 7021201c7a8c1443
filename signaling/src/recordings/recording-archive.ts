import type { RecordingFiles } from '@ehop/recordings';
import type { RecordingArchiveSource } from '../archive/dossier/archive-sources.js';
import { recordingFileName, recordingTitle } from './recording-names.js';

/**
 * What the archive takes from the recordings (server-side, no caller to check): the finished
 * files of a meeting with their checksums, named for people in Vietnam time. Recordings still
 * being written, finalising or failed are left out.
 */
export function recordingArchiveSource(files: RecordingFiles): RecordingArchiveSource {
  return {
    async list(meetingId) {
      const records = await files.list(meetingId);
      return records.flatMap((record) =>
        record.status === 'finished' && record.sha256 && record.sizeBytes !== null && record.durationSec !== null && record.endedAt
          ? [{
              title: recordingTitle(record),
              mediaType: 'video/x-matroska',
              path: files.paths(meetingId, record.id).final,
              fileName: recordingFileName(record),
              sha256: record.sha256,
            }]
          : [],
      );
    },
  };
}
