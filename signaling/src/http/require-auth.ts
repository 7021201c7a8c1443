import type { RequestHandler, Response } from 'express';
import { RequestError, type User } from '@ehop/protocol';
import type { UserRepository } from '../accounts/user-repository.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set by requireAuth: the logged-in user, freshly read from Redis. */
      user?: User;
    }
  }
}

/** Refuses requests without a logged-in session (401) and loads the session's user. */
export function requireAuth(users: UserRepository): RequestHandler {
  return async (req, res, next) => {
    const userId = req.session?.userId;
    // A user deleted after logging in must lose access at once, so the session alone is not enough.
    const user = userId ? await users.get(userId) : null;
    if (!user) throw new RequestError('unauthenticated', 'Please log in');
    res.locals.user = user;
    next();
  };
}

/** The user requireAuth loaded; only call it in routes mounted behind requireAuth. */
export function currentUser(res: Response): User {
  const user = res.locals.user;
  if (!user) throw new Error('currentUser() used on a route without requireAuth');
  return user;
}
