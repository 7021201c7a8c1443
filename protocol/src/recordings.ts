import { z } from 'zod';
import { Id } from './domain.js';

/** What everyone in the meeting sees of recording: on or off (the red "Recording" indicator). */
export const RecordingState = z.object({
  meetingId: Id,
  /** `finalising`: stopped, the file is being written (seconds). */
  status: z.enum(['off', 'recording', 'finalising']),
  recordingId: Id.nullable(),
  startedAt: z.string().nullable(),
});
export type RecordingState = z.infer<typeof RecordingState>;

/** A recording as members with the right role see it in the list. */
export const RecordingSummary = z.object({
  id: Id,
  meetingId: Id,
  status: z.enum(['recording', 'finalising', 'finished', 'failed']),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationSec: z.number().nullable(),
  sizeBytes: z.number().nullable(),
  sha256: z.string().nullable(),
  chapters: z.array(z.object({ atMs: z.number(), title: z.string() })),
  recovered: z.boolean(),
  failure: z.string().nullable(),
  /** Where media was missing (the SFU lost the room for a while), from the start: the recording went on after each. */
  gaps: z.array(z.object({ atMs: z.number(), durationMs: z.number() })),
});
export type RecordingSummary = z.infer<typeof RecordingSummary>;

export const RecordingFileParams = z.object({ meetingId: Id, recordingId: Id });

const MeetingScope = z.object({ meetingId: Id });

export const recordingRequests = {
  /** Chair or secretary, while the meeting is in progress. */
  'recording:start': { request: MeetingScope, response: RecordingState },
  /** Chair or secretary; answers once the file is final. */
  'recording:stop': { request: MeetingScope, response: RecordingSummary },
  'recording:state': { request: MeetingScope, response: RecordingState },
  /** Chair, secretary and delegates: the meeting's recordings. */
  'recording:list': { request: MeetingScope, response: z.object({ recordings: z.array(RecordingSummary) }) },
} as const;

export const recordingEvents = {
  /** Recording started, is being finalised, or stopped: to everyone in the meeting. */
  'recording:state': RecordingState,
} as const;
