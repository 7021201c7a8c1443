import type { MeetingEventHandler } from '../meetings/meeting-events.js';
import type { RecordingService } from './recording-service.js';

/**
 * A recording runs on the node that started it, wherever the meeting is ended from: every node
 * hears the end and finalises its own (or, having missed it, those of meetings Redis says ended).
 */
export function recordingEventHandler(recordings: Pick<RecordingService, 'meetingEnded' | 'stopEnded'>): MeetingEventHandler {
  return {
    async statusChanged({ meetingId, status }) {
      if (status === 'ended') await recordings.meetingEnded(meetingId);
    },
    missedEvents: () => recordings.stopEnded(),
  };
}
