import { Router } from 'express';
import { MeetingIdParams, RequestError } from '@ehop/protocol';
import type { UserRepository } from '../accounts/user-repository.js';
import { currentUser, requireAuth } from '../http/require-auth.js';
import { validated } from '../http/validate.js';
import { requireMembership } from '../meetings/meeting-access.js';
import type { MeetingRepository } from '../meetings/meeting-repository.js';
import { canSeeQueue } from './conference-roles.js';
import type { ConferenceRepository } from './conference-repository.js';

/** `GET /api/meetings/:meetingId/floor-log`: who spoke, on which item, when and how long (chair and secretary). */
export function floorLogRoutes(options: { users: UserRepository; meetings: MeetingRepository; conferences: ConferenceRepository }): Router {
  const router = Router();
  router.use(requireAuth(options.users));
  router.get(
    '/:meetingId/floor-log',
    validated({ params: MeetingIdParams }, async ({ params }, _req, res) => {
      const { role } = await requireMembership(options.meetings, params.meetingId, currentUser(res).id);
      if (!canSeeQueue(role)) throw new RequestError('forbidden', 'Only the chair and the secretary see the speakers log');
      res.json({ entries: await options.conferences.log(params.meetingId) });
    }),
  );
  return router;
}
