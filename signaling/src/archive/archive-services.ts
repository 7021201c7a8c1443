import type { UnitRepository } from '../accounts/unit-repository.js';
import type { UserRepository } from '../accounts/user-repository.js';
import { AgendaRepository } from '../agenda/agenda-repository.js';
import { AttendanceRepository } from '../attendance/attendance-repository.js';
import type { DocumentServices } from '../documents/document-services.js';
import type { Logger } from '../logger.js';
import type { MeetingRepository } from '../meetings/meeting-repository.js';
import type { RedisClient } from '../redis/client.js';
import type { VoteRepository } from '../votes/vote-repository.js';
import { ArchiveIndex } from './archive-index.js';
import { ArchiveRepository } from './archive-repository.js';
import { ArchiveService } from './archive-service.js';
import { ArchiveSync } from './archive-sync.js';
import { DocumentTextExtractor } from './document-text.js';
import { noMinutes, noRecordings, type MinutesArchiveSource, type RecordingArchiveSource } from './dossier/archive-sources.js';
import { AttendanceDossierProvider } from './dossier/attendance-provider.js';
import { DocumentDossierProvider } from './dossier/document-provider.js';
import { MinutesDossierProvider } from './dossier/minutes-provider.js';
import { RecordingsDossierProvider } from './dossier/recordings-provider.js';
import { ConferenceRepository } from '../conference/conference-repository.js';
import { SpeakersDossierProvider, type SpeakersLogSource } from './dossier/speakers-provider.js';
import { VotesDossierProvider } from './dossier/votes-provider.js';

export interface ArchiveSetup {
  redis: RedisClient;
  /** A connection of its own: a subscribed connection cannot run other commands. */
  subscriber: RedisClient;
  meetings: MeetingRepository;
  users: UserRepository;
  units: UnitRepository;
  documents: DocumentServices;
  /** The votes feature's storage (the same instance the node uses: it can count a secret vote). */
  votes: VoteRepository;
  logger: Logger;
  /** The minutes feature's approved PDF and text (none until it is wired). */
  minutes?: MinutesArchiveSource;
  /** The recording feature's finished files (none until it is wired). */
  recordings?: RecordingArchiveSource;
  /** The floor control's speakers log (default: its repository on this Redis). */
  speakers?: SpeakersLogSource;
}

export interface ArchiveServices {
  service: ArchiveService;
  sync: ArchiveSync;
  /** Builds the index from Redis, subscribes to changes, then archives ended meetings that have no record. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createArchiveServices(setup: ArchiveSetup): ArchiveServices {
  const { redis, documents, logger } = setup;
  const minutes = setup.minutes ?? noMinutes;
  const records = new ArchiveRepository(redis);
  const index = new ArchiveIndex();
  const sync = new ArchiveSync(index, records, setup.subscriber, logger);
  const service = new ArchiveService({
    meetings: setup.meetings,
    users: setup.users,
    units: setup.units,
    documents: documents.documents,
    blobs: documents.blobs,
    records,
    index,
    refreshIndex: (meetingId) => sync.refresh(meetingId),
    indexReady: () => sync.ready,
    text: new DocumentTextExtractor(documents.blobs.cacheDir),
    minutes,
    providers: [
      new MinutesDossierProvider(minutes, documents.blobs),
      new DocumentDossierProvider(documents.documents, documents.blobs),
      new AttendanceDossierProvider(new AttendanceRepository(redis)),
      new SpeakersDossierProvider(setup.speakers ?? new ConferenceRepository(redis), new AgendaRepository(redis)),
      new VotesDossierProvider(setup.votes),
      new RecordingsDossierProvider(setup.recordings ?? noRecordings),
    ],
    logger,
  });
  return {
    service,
    sync,
    async start() {
      await sync.start();
      // In the background: a node with a long backlog answers requests meanwhile.
      void service.reconcile().then(
        (count) => count > 0 && logger.info({ meetings: count }, 'archived ended meetings that had no record'),
        (error: unknown) => logger.error({ err: error }, 'archive reconcile failed'),
      );
    },
    stop: () => sync.stop(),
  };
}
