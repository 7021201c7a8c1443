import { AgendaRepository } from '../agenda/agenda-repository.js';
import type { DocumentsConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { MeetingRepository } from '../meetings/meeting-repository.js';
import type { RedisClient } from '../redis/client.js';
import type { SignalingIo } from '../realtime/socket-types.js';
import { BlobStore } from './blob-store.js';
import { DocumentIntake } from './document-intake.js';
import { DocumentNotifier } from './document-notifier.js';
import { DocumentRepository } from './document-repository.js';
import { OfficeConverter } from './office-converter.js';
import { PresentationRepository } from './presentation-repository.js';
import { Watermarker } from './watermark.js';
import { NotesRepository } from '../notes/notes-repository.js';
import { NotesService } from '../notes/notes-service.js';

/** Everything the documents feature's routes and socket handlers share on one node. */
export interface DocumentServices {
  config: DocumentsConfig;
  meetings: MeetingRepository;
  documents: DocumentRepository;
  presentations: PresentationRepository;
  blobs: BlobStore;
  intake: DocumentIntake;
  watermarker: Watermarker;
  notifier: DocumentNotifier;
  /** To check that a document's agenda item is one of its meeting's. */
  agendas: AgendaRepository;
  /** Everyone's personal notes, by owner (deleted with their document). */
  noteStore: NotesRepository;
  notes: NotesService;
  logger: Logger;
}

export async function createDocumentServices(
  config: DocumentsConfig,
  redis: RedisClient,
  meetings: MeetingRepository,
  io: () => SignalingIo | undefined,
  logger: Logger,
): Promise<DocumentServices> {
  const blobs = new BlobStore(config.dataDir);
  await blobs.init();
  const documents = new DocumentRepository(redis);
  const notifier = new DocumentNotifier(io);
  const converter = new OfficeConverter({
    sofficePath: config.sofficePath,
    bwrapPath: config.bwrapPath,
    concurrency: config.conversionConcurrency,
    timeoutMs: config.conversionTimeoutMs,
    logger,
  });
  const noteStore = new NotesRepository(redis);
  return {
    config,
    meetings,
    documents,
    agendas: new AgendaRepository(redis),
    noteStore,
    notes: new NotesService({ meetings, documents, blobs, notes: noteStore }),
    presentations: new PresentationRepository(redis),
    blobs,
    intake: new DocumentIntake({ meetings, blobs, documents, converter, notifier, logger }),
    watermarker: new Watermarker(blobs.cacheDir),
    notifier,
    logger,
  };
}
