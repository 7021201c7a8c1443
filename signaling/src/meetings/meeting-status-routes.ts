import { MeetingIdParams, MeetingStatusChange, RequestError, type MeetingStatus } from '@ehop/protocol';
import { Router } from 'express';
import type { UserRepository } from '../accounts/user-repository.js';
import { currentUser, requireAuth } from '../http/require-auth.js';
import { validated } from '../http/validate.js';
import type { MeetingEnding } from './meeting-ending.js';
import type { MeetingEvents } from './meeting-events.js';
import { requireReadyToPublish, requireStatusActor, requireTransition } from './meeting-lifecycle.js';
import type { MeetingRepository, StoredMeeting } from './meeting-repository.js';

export interface MeetingStatusRoutesOptions {
  users: UserRepository;
  meetings: MeetingRepository;
  /** Every node hears of the change and tells its own participants. */
  events: Pick<MeetingEvents, 'publish'>;
  /** Ending is more than a status change (meeting-ending.ts). */
  ending: Pick<MeetingEnding, 'end'>;
}

/**
 * `POST /api/meetings/:meetingId/status {status}`: publish, start, end (rules in meeting-lifecycle).
 * Ending an ended meeting again answers as the first time did (and finishes an interrupted ending).
 */
export function meetingStatusRoutes({ users, meetings, events, ending }: MeetingStatusRoutesOptions): Router {
  const router = Router();
  router.post(
    '/:meetingId/status',
    requireAuth(users),
    validated({ params: MeetingIdParams, body: MeetingStatusChange }, async ({ params, body }, _req, res) => {
      const me = currentUser(res);
      const saved = body.status === 'ended' ? await ending.end(params.meetingId, me) : await moveTo(meetings, params.meetingId, body.status, me);
      if (body.status !== 'ended') await events.publish({ type: 'statusChanged', meetingId: saved.id, status: saved.status });
      res.json({ meetingId: saved.id, status: saved.status });
    }),
  );
  return router;
}

async function moveTo(meetings: MeetingRepository, meetingId: string, status: MeetingStatus, me: { id: string; isAdmin: boolean }): Promise<StoredMeeting> {
  const saved = await meetings.update(meetingId, (meeting) => {
    requireTransition(meeting.status, status, requireStatusActor(meeting, me));
    if (status === 'published') requireReadyToPublish(meeting.members);
    return { ...meeting, status };
  });
  if (!saved) throw new RequestError('not_found', 'Meeting not found');
  return saved;
}
