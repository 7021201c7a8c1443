import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Session, SessionData } from 'express-session';
import type { UserRepository } from '../accounts/user-repository.js';
import { rooms } from '../redis/keys.js';
import { SerialQueue } from './serial-queue.js';
import type { SignalingIo } from './socket-types.js';

type EngineMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
type SessionRequest = IncomingMessage & { session?: Session & Partial<SessionData>; sessionID?: string };

/**
 * Shares the express session with socket.io and refuses connections without a logged-in user:
 * the client sees `connect_error` with message 'unauthenticated'.
 */
export function authenticateSockets(io: SignalingIo, sessionMiddleware: RequestHandler, users: UserRepository): void {
  // The session is read once, on the handshake request; later polling requests of the same
  // connection (they carry a `sid`) need not hit Redis again.
  io.engine.use(onlyForHandshake(sessionMiddleware as unknown as EngineMiddleware));

  io.use(async (socket, next) => {
    try {
      const request = socket.request as SessionRequest;
      const userId = request.session?.userId;
      const user = userId ? await users.get(userId) : null;
      if (!user || !request.sessionID) return next(refusal('unauthenticated'));
      socket.data.user = user;
      socket.data.sessionId = request.sessionID;
      socket.data.joined = null;
      socket.data.membershipQueue = new SerialQueue();
      // Logging out closes the sockets opened with that session, on every node; disabling the
      // account closes all of the user's.
      await socket.join([rooms.session(request.sessionID), rooms.user(user.id)]);
      next();
    } catch (error) {
      next(error instanceof Error ? error : new Error('internal'));
    }
  });
}

function onlyForHandshake(middleware: EngineMiddleware): EngineMiddleware {
  return (req, res, next) => {
    const isHandshake = (req as { _query?: Record<string, string> })._query?.sid === undefined;
    if (isHandshake) middleware(req, res, next);
    else next();
  };
}

/** socket.io hands `message` and `data` to the client's connect_error; both carry the code. */
function refusal(code: 'unauthenticated'): Error & { data: { code: string } } {
  return Object.assign(new Error(code), { data: { code } });
}
