import type { PresentationState, UploadProgress } from '@ehop/protocol';
import { rooms } from '../redis/keys.js';
import type { SignalingIo } from '../realtime/socket-types.js';

/**
 * What the documents feature tells browsers. Rooms go through the Redis adapter, so a
 * subscriber hears it whichever signaling node holds its socket. The io server is created after
 * the HTTP routes, hence the getter.
 */
export class DocumentNotifier {
  constructor(private readonly io: () => SignalingIo | undefined) {}

  /** The meeting's document list changed: subscribers re-read it. */
  listChanged(meetingId: string): void {
    this.io()?.to(rooms.documents(meetingId)).emit('documents:changed', { meetingId });
  }

  /** Progress of one upload, to the browser session that uploaded it. */
  uploadProgress(sessionId: string, progress: UploadProgress): void {
    this.io()?.to(rooms.session(sessionId)).emit('documents:upload', progress);
  }

  presentationChanged(meetingId: string, presentation: PresentationState | null): void {
    this.io()?.to(rooms.documents(meetingId)).emit('presentation:changed', { meetingId, presentation });
  }
}
