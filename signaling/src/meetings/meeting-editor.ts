import { randomBytes } from 'node:crypto';
import { RequestError, type AdminUser, type MeetingInput, type MeetingInvitee, type Unit } from '@ehop/protocol';
import type { z } from 'zod';
import type { StoredMeeting } from './meeting-repository.js';

export type ParsedMeetingInput = z.output<typeof MeetingInput>;

/** The directory a meeting's invitations are checked against. */
export interface InvitationDirectory {
  users: readonly AdminUser[];
  units: readonly Unit[];
}

/**
 * The members to store: the listed people (active accounts; the endpoint role exactly for
 * endpoint accounts), plus the endpoint accounts of every invited unit not already listed, so
 * inviting a unit brings its hall's TV into the meeting.
 */
export function resolveMembers(input: ParsedMeetingInput, directory: InvitationDirectory): MeetingInvitee[] {
  const usersById = new Map(directory.users.map((user) => [user.id, user]));
  const unitIds = new Set(directory.units.map((unit) => unit.id));
  for (const unitId of input.invitedUnitIds) {
    if (!unitIds.has(unitId)) throw new RequestError('invalid_payload', `Unknown unit ${unitId}`);
  }
  for (const member of input.members) requireInvitable(member, usersById.get(member.userId));

  const listed = new Set(input.members.map((member) => member.userId));
  const invitedUnits = new Set(input.invitedUnitIds);
  const unitEndpoints = directory.users
    .filter((user) => user.kind === 'endpoint' && !user.disabled && invitedUnits.has(user.unitId) && !listed.has(user.id))
    .map((user) => ({ userId: user.id, role: 'endpoint' as const }));
  return [...input.members, ...unitEndpoints];
}

function requireInvitable(member: MeetingInvitee, user: AdminUser | undefined): void {
  if (!user || user.disabled) throw new RequestError('invalid_payload', `Unknown or disabled account ${member.userId}`);
  if ((user.kind === 'endpoint') !== (member.role === 'endpoint')) {
    throw new RequestError('invalid_payload', `${user.displayName}: the endpoint role is for endpoint accounts only`);
  }
}

/** A new meeting starts as a draft, seen only by its organiser, its chair and administrators. */
export function newMeeting(input: ParsedMeetingInput, members: MeetingInvitee[], organizerId: string): StoredMeeting {
  return {
    id: `m-${randomBytes(6).toString('base64url')}`,
    status: 'draft',
    endedAt: null,
    organizerId,
    ...meetingFields(input, members),
  };
}

/** The organiser's edit: everything but id, status and organiser. */
export function editedMeeting(meeting: StoredMeeting, input: ParsedMeetingInput, members: MeetingInvitee[]): StoredMeeting {
  return { ...meeting, ...meetingFields(input, members) };
}

function meetingFields(input: ParsedMeetingInput, members: MeetingInvitee[]) {
  return {
    title: input.title,
    startsAt: input.startsAt,
    location: input.location,
    invitedUnitIds: input.invitedUnitIds,
    members,
    quorum: input.quorum,
  };
}
