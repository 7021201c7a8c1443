import { request } from '../socket.js';

/**
 * The document presented in the meeting now, or null. Reading it subscribes this socket to the
 * meeting's documents, which a participant in the room is anyway (the documents pane does it too).
 */
export async function currentlyPresentedDocumentId(meetingId: string): Promise<string | null> {
  const { presentation } = await request('documents:subscribe', { meetingId });
  return presentation?.documentId ?? null;
}
