import { Router } from 'express';
import { MeetingIdParams } from '@ehop/protocol';
import type { UnitRepository } from '../accounts/unit-repository.js';
import type { UserRepository } from '../accounts/user-repository.js';
import { currentUser, requireAuth } from '../http/require-auth.js';
import { validated } from '../http/validate.js';
import { canSeeMeeting, requireMembership } from './meeting-access.js';
import { roleOf, type MeetingRepository } from './meeting-repository.js';
import { byStartTime, toDetail, toSummary } from './meeting-views.js';

export interface MeetingRoutesOptions {
  users: UserRepository;
  units: UnitRepository;
  meetings: MeetingRepository;
}

/** `/api/meetings`: the caller's meetings, and one meeting's detail for its members. */
export function meetingRoutes({ users, units, meetings }: MeetingRoutesOptions): Router {
  const router = Router();
  router.use(requireAuth(users));

  router.get('/', async (_req, res) => {
    const me = currentUser(res);
    const summaries = (await meetings.listForUser(me.id)).flatMap((meeting) => {
      const role = roleOf(meeting, me.id);
      // Drafts stay hidden from ordinary invitees until they are published.
      return role && canSeeMeeting(meeting, me.id, me.isAdmin) ? [toSummary(meeting, role)] : [];
    });
    res.json(summaries.sort(byStartTime));
  });

  router.get(
    '/:meetingId',
    validated({ params: MeetingIdParams }, async ({ params }, _req, res) => {
      const me = currentUser(res);
      const { meeting, role } = await requireMembership(meetings, params.meetingId, me.id, { isAdmin: me.isAdmin });
      const memberUsers = await users.getMany(meeting.members.map((member) => member.userId));
      const memberUnits = await units.getMany([...memberUsers.values()].map((user) => user.unitId));
      res.json(toDetail(meeting, role, memberUsers, memberUnits));
    }),
  );

  return router;
}
