import { RequestError } from '@ehop/protocol';
import { Router } from 'express';
import type { UserRepository } from '../accounts/user-repository.js';
import { currentUser, requireAuth } from '../http/require-auth.js';

/** A router that answers only administrators: 401 without a session, 403 for everyone else. */
export function adminOnlyRouter(users: UserRepository): Router {
  const router = Router();
  router.use(requireAuth(users));
  router.use((_req, res, next) => {
    if (!currentUser(res).isAdmin) throw new RequestError('forbidden', 'Administrators only');
    next();
  });
  return router;
}
