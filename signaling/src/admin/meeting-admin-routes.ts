import { ManagedMeeting, MeetingIdParams, MeetingInput, RequestError } from '@ehop/protocol';
import type { Router } from 'express';
import type { UnitRepository } from '../accounts/unit-repository.js';
import type { UserRepository } from '../accounts/user-repository.js';
import { currentUser } from '../http/require-auth.js';
import { validated } from '../http/validate.js';
import { requireNotEnded } from '../meetings/meeting-access.js';
import { editedMeeting, newMeeting, resolveMembers, type InvitationDirectory } from '../meetings/meeting-editor.js';
import type { MeetingRepository, StoredMeeting } from '../meetings/meeting-repository.js';

export interface MeetingAdminOptions {
  users: UserRepository;
  units: UnitRepository;
  meetings: MeetingRepository;
  /** After an edit: members removed or given another role must feel it on their open sockets at once. */
  onMembersChanged(previous: StoredMeeting, next: StoredMeeting): Promise<void>;
}

/**
 * `/api/admin/meetings`: administrators (the office organising meetings) create and edit them.
 * Publishing, starting and ending go through `POST /api/meetings/:id/status` (chairs use it too).
 */
export function addMeetingAdminRoutes(router: Router, { users, units, meetings, onMembersChanged }: MeetingAdminOptions): void {
  const directory = async (): Promise<InvitationDirectory> => ({ users: await users.listAll(), units: await units.listAll() });

  router.get('/meetings', async (_req, res) => {
    const all = await meetings.listAll();
    res.json(all.map(toManaged).sort((a, b) => b.startsAt.localeCompare(a.startsAt)));
  });

  router.post(
    '/meetings',
    validated({ body: MeetingInput }, async ({ body }, _req, res) => {
      const meeting = newMeeting(body, resolveMembers(body, await directory()), currentUser(res).id);
      await meetings.save(meeting);
      res.status(201).json(toManaged(meeting));
    }),
  );

  router.get(
    '/meetings/:meetingId',
    validated({ params: MeetingIdParams }, async ({ params }, _req, res) => {
      res.json(toManaged(await requireMeeting(meetings, params.meetingId)));
    }),
  );

  router.put(
    '/meetings/:meetingId',
    validated({ params: MeetingIdParams, body: MeetingInput }, async ({ params, body }, _req, res) => {
      const members = resolveMembers(body, await directory());
      let previous: StoredMeeting | undefined;
      const saved = await meetings.update(params.meetingId, (meeting) => {
        requireNotEnded(meeting);
        previous = meeting;
        return editedMeeting(meeting, body, members);
      });
      if (!saved || !previous) throw new RequestError('not_found', 'Meeting not found');
      await onMembersChanged(previous, saved);
      res.json(toManaged(saved));
    }),
  );
}

async function requireMeeting(meetings: MeetingRepository, meetingId: string): Promise<StoredMeeting> {
  const meeting = await meetings.get(meetingId);
  if (!meeting) throw new RequestError('not_found', 'Meeting not found');
  return meeting;
}

function toManaged(meeting: StoredMeeting): ManagedMeeting {
  return ManagedMeeting.parse(meeting);
}
