import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { RequestHandler } from 'express';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { documentHandlers } from '../documents/presentation-handlers.js';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';
import { agendaHandlers } from '../agenda/agenda-handlers.js';
import { attendanceHandlers } from '../attendance/attendance-handlers.js';
import { voteHandlers } from '../votes/vote-handlers.js';
import { recordingHandlers } from '../recordings/recording-handlers.js';
import { minutesHandlers } from '../minutes/minutes-handlers.js';
import { bindClientRequests } from '../realtime/bind-requests.js';
import { leaveMeeting, meetingHandlers } from '../realtime/meeting-handlers.js';
import { conferenceHandlers } from '../conference/conference-handlers.js';
import { mediaHandlers } from '../realtime/media-handlers.js';
import type { RealtimeDeps } from '../realtime/realtime-deps.js';
import type { OriginCheck } from '../http/origin-check.js';
import { authenticateSockets } from '../realtime/socket-auth.js';
import type { SignalingIo, SignalingSocket } from '../realtime/socket-types.js';

export interface SocketServerOptions {
  /** Every engine.io request (handshake, polls, upgrade) from another site's page is refused. */
  originCheck: OriginCheck;
  /** Pub/sub connections for the Redis adapter; without them rooms are local to this node. */
  adapterClients: { pub: RedisClient; sub: RedisClient } | null;
}

/** Payloads are small JSON; anything much larger is an attack or a bug. */
const MAX_MESSAGE_BYTES = 256 * 1024;

export function createSocketServer(httpServer: HttpServer | HttpsServer, options: SocketServerOptions): SignalingIo {
  const io: SignalingIo = new Server(httpServer, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    serveClient: false,
    allowRequest: (request, callback) => callback(null, options.originCheck(request)),
  });
  if (options.adapterClients) {
    const { pub, sub } = options.adapterClients;
    io.adapter(createAdapter(pub, sub, { key: keys.socketIoChannelPrefix() }));
  }
  return io;
}

/** Authenticates sockets and binds the client contract; `deps.io` is the server made above. */
export function handleConnections(deps: RealtimeDeps, sessionMiddleware: RequestHandler): void {
  authenticateSockets(deps.io, sessionMiddleware, deps.users);
  deps.io.on('connection', (socket) => onConnection(deps, socket));
}

function onConnection(deps: RealtimeDeps, socket: SignalingSocket): void {
  const logger = deps.logger.child({ socketId: socket.id, userId: socket.data.user.id });
  bindClientRequests(
    socket,
    {
      ...meetingHandlers(deps, socket),
      ...mediaHandlers(deps, socket),
      ...agendaHandlers(deps.agenda, socket),
      ...attendanceHandlers(deps.attendance, socket),
      ...conferenceHandlers(deps, socket),
      ...documentHandlers(deps.documents, socket),
      ...voteHandlers(deps.votes, socket),
      ...recordingHandlers(deps.recordings, socket),
      ...minutesHandlers(deps.minutes, socket),
    },
    deps.requestLimiter,
    logger,
    deps.idempotency,
  );
  socket.on('disconnect', () => {
    void socket.data.membershipQueue
      .run(() => leaveMeeting(deps, socket))
      .catch((error: unknown) => logger.error({ err: error }, 'cleanup after disconnect failed'));
  });
}

/** On shutdown: every peer of this node leaves its meeting (SFU peer closed, others told). */
export async function leaveAllMeetings(deps: RealtimeDeps): Promise<void> {
  const sockets = [...deps.io.of('/').sockets.values()];
  await Promise.allSettled(sockets.map((socket) => socket.data.membershipQueue.run(() => leaveMeeting(deps, socket))));
}
