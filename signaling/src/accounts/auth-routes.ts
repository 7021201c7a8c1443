import { Router, type Request } from 'express';
import { LoginRequest, RequestError } from '@ehop/protocol';
import { validated } from '../http/validate.js';
import { currentUser, requireAuth } from '../http/require-auth.js';
import { authenticate } from './authenticate.js';
import { clientAddress } from './client-address.js';
import type { LoginLimiter } from './login-limiter.js';
import { SESSION_COOKIE } from './session.js';
import type { SessionIndex } from './session-index.js';
import type { UserRepository } from './user-repository.js';

export interface AuthRoutesOptions {
  users: UserRepository;
  /** Failed sign-ins per account and address (429 `rate_limited` with Retry-After while locked). */
  loginLimiter: LoginLimiter;
  sessions: SessionIndex;
  /** Called after a session ends, so live sockets opened with it can be closed too. */
  onLogout(sessionId: string): void;
}

/**
 * `/api/auth`: login, logout and the current user. Logout is a POST (under the origin check of
 * every state-changing request), so no link or image on another site can log anyone out.
 */
export function authRoutes({ users, loginLimiter, sessions, onLogout }: AuthRoutesOptions): Router {
  const router = Router();

  router.post(
    '/login',
    validated({ body: LoginRequest }, async ({ body }, req, res) => {
      // Counted before the password is hashed: a locked account or address costs no hashing.
      const attempt = await loginLimiter.begin(body.username, clientAddress(req));
      const user = await authenticate(users, body.username, body.password).catch(async (error: unknown) => {
        await attempt.abandoned();
        throw error;
      });
      if (!user) throw new RequestError('unauthenticated', 'Invalid username or password');
      await attempt.succeeded();
      // A new session id on login defeats session fixation (an id planted before login is useless after).
      await regenerateSession(req);
      req.session.userId = user.id;
      await saveSession(req);
      await sessions.add(user.id, req.sessionID);
      res.json(user);
    }),
  );

  router.post('/logout', async (req, res) => {
    const userId = req.session?.userId;
    const sessionId = userId ? req.sessionID : null;
    if (userId && sessionId) {
      await destroySession(req);
      await sessions.remove(userId, sessionId);
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    if (sessionId) onLogout(sessionId);
    res.status(204).end();
  });

  router.get('/me', requireAuth(users), (_req, res) => {
    res.json(currentUser(res));
  });

  return router;
}

function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((error) => (error ? reject(error) : resolve())));
}

function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
}

function destroySession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((error) => (error ? reject(error) : resolve())));
}
