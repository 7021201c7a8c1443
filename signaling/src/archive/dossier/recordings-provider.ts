import { stat } from 'node:fs/promises';
import { hashFile } from '../../documents/hash-file.js';
import { mayAccessRecordings } from '../../recordings/recording-access.js';
import type { ArchivedRecording, RecordingArchiveSource } from './archive-sources.js';
import type { DossierContext, DossierItem, DossierProvider } from './dossier-item.js';
import { safeFileName } from './file-names.js';

/**
 * The meeting's recordings (ghi hình), as the recording feature lists them, for whom the
 * recordings route serves them (mayAccessRecordings): nothing, not even the list, for anyone else.
 */
export class RecordingsDossierProvider implements DossierProvider {
  readonly kind = 'recording' as const;
  /** Hashing a long recording takes seconds: done once per file (path + size + mtime) per node. */
  private readonly hashes = new Map<string, string>();

  constructor(private readonly recordings: RecordingArchiveSource) {}

  async items({ meeting, role }: DossierContext): Promise<DossierItem[]> {
    if (!mayAccessRecordings(role)) return [];
    const recordings = await this.recordings.list(meeting.id);
    return Promise.all(recordings.map((recording) => this.item(recording)));
  }

  private async item(recording: ArchivedRecording): Promise<DossierItem> {
    const info = await stat(recording.path);
    const cacheKey = `${recording.path}:${info.size}:${info.mtimeMs}`;
    let sha256 = recording.sha256 ?? this.hashes.get(cacheKey);
    if (!sha256) {
      sha256 = (await hashFile(recording.path)).sha256;
      this.hashes.set(cacheKey, sha256);
    }
    const extension = recording.fileName.match(/\.[A-Za-z0-9]{1,5}$/)?.[0] ?? '.webm';
    return {
      kind: 'recording',
      title: recording.title,
      fileName: `ghi-hinh/${safeFileName(recording.fileName.replace(/\.[A-Za-z0-9]{1,5}$/, ''), extension, 'ghi-hinh')}`,
      mediaType: recording.mediaType,
      sizeBytes: info.size,
      sha256,
      confidential: false,
      withheld: false,
      documentId: null,
      content: { type: 'file', path: recording.path },
    };
  }
}
