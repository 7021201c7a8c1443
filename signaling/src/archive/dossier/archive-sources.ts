/*
 * What the archive needs from the minutes and recordings features, as small interfaces: those
 * features implement them and are passed to createArchiveServices (app/signaling-server.ts). Until they are
 * wired, the "none" implementations below make the dossier simply have no such parts.
 */

/** The approved minutes of a meeting. */
export interface MinutesArchiveSource {
  /** The approved minutes' PDF, stored content-addressed in the documents' blob store; null until approved. */
  approvedPdf(meetingId: string): Promise<{ blobSha256: string; fileName: string } | null>;
  /** The minutes' text for the archive search ('' when there are none). */
  text(meetingId: string): Promise<string>;
}

/** One finished recording file of a meeting. */
export interface ArchivedRecording {
  title: string;
  /** Name for the ZIP (e.g. `phien-1.webm`). */
  fileName: string;
  /** Absolute path of the finished file. */
  path: string;
  mediaType: string;
  /** When the recording feature knows it already; otherwise the archive hashes the file. */
  sha256?: string;
}

export interface RecordingArchiveSource {
  /** The meeting's finished recordings, oldest first (none while one is still being written). */
  list(meetingId: string): Promise<ArchivedRecording[]>;
}

export const noMinutes: MinutesArchiveSource = {
  approvedPdf: async () => null,
  text: async () => '',
};

export const noRecordings: RecordingArchiveSource = {
  list: async () => [],
};
