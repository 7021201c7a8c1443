import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { LoginLimiter } from '../accounts/login-limiter.js';
import { limitPasswordHashing } from '../accounts/password.js';
import { createSessionMiddleware } from '../accounts/session.js';
import { SessionIndex } from '../accounts/session-index.js';
import { originCheck } from '../http/origin-check.js';
import { disableDemoPasswordAccounts } from '../seed/demo-password-guard.js';
import { UnitRepository } from '../accounts/unit-repository.js';
import { UserRepository } from '../accounts/user-repository.js';
import type { SignalingConfig } from '../config.js';
import { createArchiveServices } from '../archive/archive-services.js';
import { createDocumentServices } from '../documents/document-services.js';
import { createHttpApp } from './http-app.js';
import { createLogger, type Logger } from '../logger.js';
import { SfuCluster } from '../media/sfu-cluster.js';
import { meetingHomeUnits, userUnitChain } from '../media/meeting-home.js';
import { iceServersFor } from '../media/turn-credentials.js';
import { AgendaRepository } from '../agenda/agenda-repository.js';
import { AgendaService } from '../agenda/agenda-service.js';
import { AttendanceRepository } from '../attendance/attendance-repository.js';
import { AttendanceService } from '../attendance/attendance-service.js';
import { voteBroadcast } from '../votes/vote-broadcasts.js';
import { BallotSealer } from '../votes/ballot-seal.js';
import { VoteRepository } from '../votes/vote-repository.js';
import { VoteService } from '../votes/vote-service.js';
import { RecordingFiles } from '@ehop/recordings';
import { recordingArchiveSource } from '../recordings/recording-archive.js';
import { RecordingService } from '../recordings/recording-service.js';
import type { MeetingBroadcasts } from '../meetings/meeting-broadcasts.js';
import { minutesBroadcast } from '../minutes/minutes-broadcasts.js';
import { minutesPdfPublisher } from '../minutes/minutes-pdf-store.js';
import { minutesArchiveSource } from '../minutes/minutes-archive.js';
import { MinutesRepository } from '../minutes/minutes-repository.js';
import { MinutesService } from '../minutes/minutes-service.js';
import { floorControlSpeakersLog } from '../minutes/speakers-log.js';
import { meetingBroadcasts } from '../meetings/meeting-broadcasts.js';
import { conferenceHooks } from '../conference/conference-hooks.js';
import { ConferenceRepository } from '../conference/conference-repository.js';
import { ConferenceService } from '../conference/conference-service.js';
import { NetworkQualityPoller } from '../conference/network-quality-poller.js';
import { relayConferenceEvents } from '../conference/sfu-conference-relay.js';
import { MeetingRepository } from '../meetings/meeting-repository.js';
import { MeetingEnding } from '../meetings/meeting-ending.js';
import { MeetingEvents } from '../meetings/meeting-events.js';
import { PendingEndings } from '../meetings/pending-endings.js';
import { attendanceHooks } from '../attendance/attendance-hooks.js';
import { recordingEventHandler } from '../recordings/recording-events.js';
import { meetingStatusRelay } from '../realtime/meeting-status-relay.js';
import { meetingEndingSteps } from './meeting-ending-steps.js';
import { connectionDirectory } from '../realtime/connection-directory.js';
import { closeConnection, connectRedis, duplicateConnection, type RedisClient } from '../redis/client.js';
import { IdempotencyStore } from '../redis/idempotency-store.js';
import { rooms } from '../redis/keys.js';
import { NodeHeartbeat } from '../realtime/node-heartbeat.js';
import { PresenceRepository } from '../realtime/presence-repository.js';
import type { RealtimeDeps } from '../realtime/realtime-deps.js';
import { relaySfuEvents } from '../realtime/sfu-event-relay.js';
import { membershipSync, type MembershipSync } from '../realtime/membership-sync.js';
import { RequestLimiter } from '../realtime/request-limiter.js';
import { UserPeers } from '../realtime/user-peers.js';
import { createSocketServer, handleConnections, leaveAllMeetings } from './socket-server.js';
import type { SignalingIo } from '../realtime/socket-types.js';

export interface SignalingServer {
  httpServer: HttpServer;
  io: SignalingIo;
  /** Starts listening on the configured host and port (0 = any free port); resolves to the base URL. */
  listen(): Promise<string>;
  /** Graceful stop: no new connections, this node's peers leave their meetings, Redis closed. */
  close(): Promise<void>;
}

/** Builds a whole signaling node (HTTP API, socket.io, SFU link) without starting to listen. */
export async function createSignalingServer(config: SignalingConfig, logger?: Logger): Promise<SignalingServer> {
  const log = logger ?? createLogger(config.logLevel);
  const redis = await connectRedis(config.redisUrl, log);
  const adapterClients = config.useRedisAdapter
    ? { pub: await duplicateConnection(redis, log), sub: await duplicateConnection(redis, log) }
    : null;
  // A new id at every start: the SFU closes the peers of this node's previous life after its grace period.
  const nodeId = randomBytes(6).toString('base64url');
  const heartbeat = new NodeHeartbeat(nodeId, redis, log);
  await heartbeat.start();

  limitPasswordHashing(config.limits.passwordHashing);
  const users = new UserRepository(redis);
  const units = new UnitRepository(redis);
  const meetings = new MeetingRepository(redis);
  const conferences = new ConferenceRepository(redis);
  const { url: staticUrl, discover, peerPlacement, ...link } = config.sfu;
  const sfu = new SfuCluster(
    redis,
    { staticUrl, discover, peerPlacement, link: { ...link, nodeId }, homeUnits: meetingHomeUnits(meetings, users, units), userUnits: userUnitChain(users, units) },
    log.child({ component: 'sfu-client', nodeId }),
  );
  let io: SignalingIo | undefined;
  let membership: MembershipSync | undefined;
  // Secure cookies without TLS here means TLS ends at a proxy: trust its X-Forwarded-Proto.
  const behindProxy = config.session.cookieSecure && !config.tls;
  const sessionMiddleware = createSessionMiddleware(redis, { secret: config.session.secret, cookieSecure: config.session.cookieSecure, behindProxy });
  const allowedOrigin = originCheck(config.allowedOrigins, behindProxy);
  const disconnectSession = (sessionId: string) => io?.in(rooms.session(sessionId)).disconnectSockets(true);
  const sessions = new SessionIndex(redis, disconnectSession);
  if (config.production) await disableDemoPasswordAccounts(users, sessions, log);

  const recordingFiles = new RecordingFiles(config.recordingsDir);
  let conference: ConferenceService | undefined;
  const recordings = new RecordingService({
    meetings,
    sfu,
    files: recordingFiles,
    mediaHost: config.recorderMediaIp,
    target: async (meetingId) => (conference ? conference.recordingTarget(meetingId) : { videoUserId: null, audioUserIds: [] }),
    announce: (state) => io?.to(rooms.meeting(state.meetingId)).emit('recording:state', state),
    logger: log.child({ component: 'recordings' }),
  });
  const broadcasts = withRecording(meetingBroadcasts(() => io), recordings);
  const meetingEvents = new MeetingEvents(redis, await duplicateConnection(redis, log), log.child({ component: 'meeting-events' }));
  const agenda = new AgendaService({ meetings, agendas: new AgendaRepository(redis), broadcast: broadcasts.agendaChanged });
  const attendanceRepository = new AttendanceRepository(redis);
  const attendance = new AttendanceService({
    meetings,
    attendance: attendanceRepository,
    broadcast: broadcasts.attendanceChanged,
  });
  const documents = await createDocumentServices(config.documents, redis, meetings, () => io, log.child({ component: 'documents' }));
  const voteRepository = new VoteRepository(redis, new BallotSealer(config.ballotSecret), log.child({ component: 'votes' }));
  const votes = new VoteService({
    meetings,
    agendas: new AgendaRepository(redis),
    attendance: attendanceRepository,
    votes: voteRepository,
    broadcast: voteBroadcast(() => io),
  });
  const minutesRepository = new MinutesRepository(redis);
  const minutes = new MinutesService({
    meetings,
    users,
    units,
    agendas: new AgendaRepository(redis),
    attendance: attendanceRepository,
    votes: voteRepository,
    speakers: floorControlSpeakersLog(conferences),
    minutes: minutesRepository,
    publishPdf: minutesPdfPublisher(documents.blobs, redis),
    broadcast: minutesBroadcast(() => io),
    // Approved after the meeting ended: the dossier takes the PDF and the search the text.
    onApproved: (meetingId) => void archive.service.archiveQuietly(meetingId),
  });
  const archive = createArchiveServices({
    recordings: recordingArchiveSource(recordingFiles),
    redis,
    subscriber: await duplicateConnection(redis, log),
    meetings,
    users,
    units,
    documents,
    votes: voteRepository,
    minutes: minutesArchiveSource(minutesRepository),
    logger: log.child({ component: 'archive' }),
  });
  await archive.start();
  const ending = new MeetingEnding({
    meetings,
    pending: new PendingEndings(redis),
    votes,
    steps: meetingEndingSteps({ conferences, documents, events: meetingEvents, sfu, archive: archive.service }),
    logger: log.child({ component: 'meeting-ending' }),
  });
  const app = createHttpApp({
    logger: log,
    redis,
    sfu,
    users,
    units,
    meetings,
    conferences,
    sessionMiddleware,
    sessions,
    originCheck: allowedOrigin,
    tls: config.session.cookieSecure,
    documents,
    clientDist: config.clientDist,
    loginLimiter: new LoginLimiter(redis, config.limits.login),
    trustProxy: config.trustProxy,
    onLogout: disconnectSession,
    connections: connectionDirectory(() => io),
    meetingEvents,
    ending,
    onMembersChanged: async (previous, next) => membership?.membersChanged(previous, next),
    votes,
    archive: archive.service,
    recordings,
    minutes,
  });
  const httpServer = createServer(app, config);
  io = createSocketServer(httpServer, { originCheck: allowedOrigin, adapterClients });

  let shuttingDown = false;
  conference = new ConferenceService({ io, sfu, meetings, users, units, conferences, logger: log.child({ component: 'conference' }) });
  conference.onMediaChange = (meetingId) => {
    recordings.follow(meetingId).catch((error: unknown) => log.warn({ err: error, meetingId }, 'recording could not follow'));
  };
  recordings.recover().catch((error: unknown) => log.error({ err: error }, 'recording recovery failed'));
  const deps: RealtimeDeps = {
    io,
    sfu,
    users,
    units,
    meetings,
    presence: new PresenceRepository(redis),
    userPeers: new UserPeers(redis, config.limits.peersPerUser),
    requestLimiter: new RequestLimiter(redis, config.limits.socketRequests, log.child({ component: 'request-limiter' })),
    agenda,
    attendance,
    documents,
    votes,
    recordings,
    minutes,
    idempotency: new IdempotencyStore(redis),
    nodeId: heartbeat.nodeId,
    iceServers: (userId) => iceServersFor(config.turn, userId),
    conference,
    meetingHooks: [conferenceHooks(conference), attendanceHooks(attendance, log.child({ component: 'attendance' }))],
    logger: log.child({ component: 'realtime' }),
    isShuttingDown: () => shuttingDown,
  };
  handleConnections(deps, sessionMiddleware);
  meetingEvents.on(meetingStatusRelay(deps));
  meetingEvents.on(recordingEventHandler(recordings));
  await meetingEvents.start();
  // In the background: endings a crash interrupted are finished (idempotent if another node does too).
  void ending.resumePending().then(
    (count) => count > 0 && log.warn({ meetings: count }, 'finished endings of meetings a crash had interrupted'),
    (error: unknown) => log.error({ err: error }, 'resuming interrupted meeting endings failed'),
  );
  membership = membershipSync(deps, { otherNodes: adapterClients !== null });
  relaySfuEvents(sfu, io, deps.presence, log.child({ component: 'sfu-events' }));
  sfu.on('room:lost', ({ roomId }) => recordings.roomLost(roomId));
  relayConferenceEvents(sfu, deps, conference, log.child({ component: 'conference' }));
  await sfu.connect();
  const networkQuality = new NetworkQualityPoller(io, sfu, log.child({ component: 'network-quality' }));
  networkQuality.start();

  return {
    httpServer,
    io,
    listen: () => listen(httpServer, config, log),
    async close() {
      if (shuttingDown) return;
      shuttingDown = true;
      networkQuality.stop();
      votes.stopTimers();
      // Stop taking new connections first; the sockets already open still need their cleanup.
      const httpClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await leaveAllMeetings(deps);
      // Recordings are finalised while the SFU link is still up (it closes their taps).
      await recordings.stopAll();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      httpServer.closeAllConnections();
      await httpClosed;
      sfu.close();
      await heartbeat.stop().catch(() => undefined);
      await meetingEvents.stop().catch(() => undefined);
      await archive.stop().catch(() => undefined);
      await quitAll([redis, ...(adapterClients ? [adapterClients.pub, adapterClients.sub] : [])]);
      log.info('signaling stopped');
    },
  };
}

function createServer(app: Express, config: SignalingConfig): HttpServer {
  if (!config.tls) return createHttpServer(app);
  const tlsOptions = { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };
  return createHttpsServer(tlsOptions, app);
}

function listen(httpServer: HttpServer, config: SignalingConfig, logger: Logger): Promise<string> {
  return new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      const { port } = httpServer.address() as AddressInfo;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      const url = `${config.tls ? 'https' : 'http'}://${host}:${port}`;
      logger.info({ url }, 'signaling listening');
      resolve(url);
    });
  });
}

/** QUIT lets Redis finish the commands already sent (nothing in flight is lost). */
async function quitAll(clients: RedisClient[]): Promise<void> {
  await Promise.allSettled(clients.map((client) => closeConnection(client)));
}

/** The meeting's announcements, plus what recording must hear: agenda item changes (chapters). */
function withRecording(broadcasts: MeetingBroadcasts, recordings: RecordingService): MeetingBroadcasts {
  return {
    ...broadcasts,
    agendaChanged(agenda) {
      broadcasts.agendaChanged(agenda);
      recordings.agendaChanged(agenda);
    },
  };
}
