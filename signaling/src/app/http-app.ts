import express, { type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { adminRoutes } from '../admin/admin-routes.js';
import { authRoutes } from '../accounts/auth-routes.js';
import type { LoginLimiter } from '../accounts/login-limiter.js';
import { archiveRoutes } from '../archive/archive-routes.js';
import type { ArchiveService } from '../archive/archive-service.js';
import type { UnitRepository } from '../accounts/unit-repository.js';
import type { UserRepository } from '../accounts/user-repository.js';
import { documentRoutes } from '../documents/document-routes.js';
import { notesRoutes } from '../notes/notes-routes.js';
import type { DocumentServices } from '../documents/document-services.js';
import type { Logger } from '../logger.js';
import type { SfuCluster } from '../media/sfu-cluster.js';
import type { MeetingEnding } from '../meetings/meeting-ending.js';
import type { MeetingEvents } from '../meetings/meeting-events.js';
import type { ConferenceRepository } from '../conference/conference-repository.js';
import { floorLogRoutes } from '../conference/floor-log-routes.js';
import { meetingRoutes } from '../meetings/meeting-routes.js';
import { meetingStatusRoutes } from '../meetings/meeting-status-routes.js';
import type { MeetingRepository, StoredMeeting } from '../meetings/meeting-repository.js';
import type { RedisClient } from '../redis/client.js';
import type { ConnectionDirectory } from '../realtime/connection-directory.js';
import type { VoteService } from '../votes/vote-service.js';
import { voteRoutes } from '../votes/vote-routes.js';
import type { RecordingService } from '../recordings/recording-service.js';
import { recordingRoutes } from '../recordings/recording-routes.js';
import type { MinutesService } from '../minutes/minutes-service.js';
import { minutesRoutes } from '../minutes/minutes-routes.js';
import { errorHandler, notFoundHandler } from '../http/errors.js';
import { healthRoute } from '../http/health.js';
import { requireAllowedOrigin, type OriginCheck } from '../http/origin-check.js';
import { securityHeaders } from '../http/security-headers.js';
import { serveClient } from '../http/static-client.js';
import type { SessionIndex } from '../accounts/session-index.js';

export interface HttpAppOptions {
  logger: Logger;
  redis: RedisClient;
  sfu: SfuCluster;
  users: UserRepository;
  units: UnitRepository;
  meetings: MeetingRepository;
  conferences: ConferenceRepository;
  sessionMiddleware: RequestHandler;
  sessions: SessionIndex;
  /** Whether a state-changing request comes from an allowed origin (cross-site request forgery). */
  originCheck: OriginCheck;
  /** Served over TLS (directly or behind a proxy): HSTS and upgrade-insecure-requests. */
  tls: boolean;
  documents: DocumentServices;
  clientDist: string;
  loginLimiter: LoginLimiter;
  /** Express's `trust proxy` (TRUST_PROXY): whose X-Forwarded-For names the client; null: nobody's. */
  trustProxy: string | number | null;
  onLogout(sessionId: string): void;
  connections: ConnectionDirectory;
  meetingEvents: MeetingEvents;
  ending: MeetingEnding;
  /** An administrator changed a meeting's members or their roles (open sockets must follow). */
  onMembersChanged(previous: StoredMeeting, next: StoredMeeting): Promise<void>;
  votes: VoteService;
  archive: ArchiveService;
  recordings: RecordingService;
  minutes: MinutesService;
}

/** The express app: JSON API under /api, /healthz, and the built web app for everything else. */
export function createHttpApp(options: HttpAppOptions): Express {
  const { logger, users, units, meetings } = options;
  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy !== null) app.set('trust proxy', options.trustProxy);
  app.use(pinoHttp({ logger, autoLogging: { ignore: (req) => req.url === '/healthz' } }));
  app.use(securityHeaders({ tls: options.tls }));

  app.get('/healthz', healthRoute(options.redis, options.sfu));

  const api = express.Router();
  // Before anything reads the body or the session: a forged request is refused untouched.
  api.use(requireAllowedOrigin(options.originCheck));
  api.use(express.json({ limit: '64kb' }));
  api.use(options.sessionMiddleware);
  api.use('/auth', authRoutes({ users, loginLimiter: options.loginLimiter, sessions: options.sessions, onLogout: options.onLogout }));
  api.use('/meetings/:meetingId/documents/:documentId/notes', notesRoutes(options.documents.notes, users));
  api.use('/meetings/:meetingId/documents', documentRoutes(options.documents, users));
  api.use('/meetings', meetingRoutes({ users, units, meetings }));
  api.use(
    '/meetings',
    meetingStatusRoutes({ users, meetings, events: options.meetingEvents, ending: options.ending }),
  );
  api.use('/meetings', voteRoutes({ users, votes: options.votes }));
  api.use('/archive', archiveRoutes({ users, archive: options.archive, logger }));
  api.use('/meetings', minutesRoutes({ users, minutes: options.minutes, blobs: options.documents.blobs }));
  api.use(
    '/admin',
    adminRoutes({
      users,
      units,
      meetings,
      connections: options.connections,
      sessions: options.sessions,
      onMembersChanged: options.onMembersChanged,
      mediaServers: () => options.sfu.describe(),
    }),
  );
  api.use('/meetings', recordingRoutes({ users, recordings: options.recordings }));
  api.use('/meetings', floorLogRoutes({ users, meetings, conferences: options.conferences }));
  api.use(notFoundHandler());
  app.use('/api', api);

  serveClient(app, options.clientDist, logger);
  app.use(notFoundHandler());
  app.use(errorHandler(logger));
  return app;
}
