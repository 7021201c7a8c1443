import { MeetingIdParams, MeetingStatusChange, RequestError } from '@ehop/protocol';
import { Router } from 'express';
import type { UserRepository } from '../accounts/user-repository.js';
import { currentUser, requireAuth } from '../http/require-auth.js';
import { validated } from '../http/validate.js';
import { canSeeMeeting } from './meeting-access.js';
import type { MeetingBroadcasts } from './meeting-broadcasts.js';
import { requireReadyToPublish, requireTransition } from './meeting-lifecycle.js';
import { roleOf, type MeetingRepository } from './meeting-repository.js';

export interface MeetingStatusRoutesOptions {
  users: UserRepository;
  meetings: MeetingRepository;
  broadcasts: MeetingBroadcasts;
  /** After a meeting ended (the archive makes its record; awaited so the archive lists it at once). */
  onEnded?(meetingId: string): Promise<void>;
}

/** `POST /api/meetings/:meetingId/status {status}`: publish, start, end (rules in meeting-lifecycle). */
export function meetingStatusRoutes({ users, meetings, broadcasts, onEnded }: MeetingStatusRoutesOptions): Router {
  const router = Router();
  router.post(
    '/:meetingId/status',
    requireAuth(users),
    validated({ params: MeetingIdParams, body: MeetingStatusChange }, async ({ params, body }, _req, res) => {
      const me = currentUser(res);
      const saved = await meetings.update(params.meetingId, (meeting) => {
        const role = roleOf(meeting, me.id);
        if (!me.isAdmin && (!role || !canSeeMeeting(meeting, me.id, me.isAdmin))) {
          throw new RequestError('forbidden', 'You are not invited to this meeting');
        }
        requireTransition(meeting.status, body.status, { role, isAdmin: me.isAdmin });
        if (body.status === 'published') requireReadyToPublish(meeting.members);
        return { ...meeting, status: body.status };
      });
      if (!saved) throw new RequestError('not_found', 'Meeting not found');
      broadcasts.statusChanged(saved.id, saved.status);
      if (saved.status === 'ended') await onEnded?.(saved.id);
      res.json({ meetingId: saved.id, status: saved.status });
    }),
  );
  return router;
}
