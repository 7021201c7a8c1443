import type { ArchiveService } from '../archive/archive-service.js';
import type { ConferenceRepository } from '../conference/conference-repository.js';
import { closeFloorOfEndedMeeting } from '../conference/floor-closing.js';
import type { DocumentServices } from '../documents/document-services.js';
import { stopPresenting } from '../documents/presentation-stop.js';
import type { SfuCluster } from '../media/sfu-cluster.js';
import type { EndingStep } from '../meetings/meeting-ending.js';
import type { MeetingEvents } from '../meetings/meeting-events.js';

export interface EndingStepsDeps {
  conferences: ConferenceRepository;
  documents: Pick<DocumentServices, 'presentations' | 'notifier'>;
  events: Pick<MeetingEvents, 'publish'>;
  sfu: Pick<SfuCluster, 'request'>;
  archive: Pick<ArchiveService, 'archive'>;
}

/**
 * What ending a meeting does, in this order, once for the cluster (meetings/meeting-ending.ts):
 * the running turn is logged before anything else can read the speakers log; the participants
 * are told (every node then closes its own sockets' media and finalises its own recordings);
 * the SFU's room goes (with the peers of any node that died meanwhile); the archive record is
 * made last, from the complete log.
 */
export function meetingEndingSteps(deps: EndingStepsDeps): EndingStep[] {
  return [
    { name: 'floor', run: (meetingId) => closeFloorOfEndedMeeting(deps.conferences, meetingId) },
    { name: 'presentation', run: (meetingId) => stopPresenting(deps.documents, meetingId) },
    { name: 'participants', run: (meetingId) => deps.events.publish({ type: 'statusChanged', meetingId, status: 'ended' }) },
    { name: 'media room', run: async (meetingId) => void (await deps.sfu.request('room:close', { roomId: meetingId })) },
    { name: 'archive', run: async (meetingId) => void (await deps.archive.archive(meetingId)) },
  ];
}
