import type { DocumentServices } from './document-services.js';

/** Nobody presents in the meeting any more (it ended): the state cleared, its followers told. Idempotent. */
export async function stopPresenting(services: Pick<DocumentServices, 'presentations' | 'notifier'>, meetingId: string): Promise<void> {
  if (!(await services.presentations.get(meetingId))) return;
  await services.presentations.clear(meetingId);
  services.notifier.presentationChanged(meetingId, null);
}
