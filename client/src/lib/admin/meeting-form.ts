import type { AdminUser, MeetingInvitee, MeetingRole } from '@ehop/protocol';

/*
 * The meeting form's conversions. Meetings are scheduled in Vietnam time (UTC+7, no daylight
 * saving), whatever zone the organiser's computer is set to.
 */

const VIETNAM_OFFSET_MS = 7 * 3600_000;

/** An instant as a `datetime-local` value in Vietnam time: "2026-05-12T08:00". */
export function toVietnamInput(iso: string): string {
  const date = new Date(Date.parse(iso) + VIETNAM_OFFSET_MS);
  return date.toISOString().slice(0, 16);
}

/** A `datetime-local` value read as Vietnam time, as an ISO instant with its offset. */
export function fromVietnamInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const iso = `${value}:00+07:00`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

/** Endpoint accounts take the endpoint role; a person starts as a delegate. */
export function defaultRole(user: Pick<AdminUser, 'kind'>): MeetingRole {
  return user.kind === 'endpoint' ? 'endpoint' : 'delegate';
}

/**
 * Members after inviting or un-inviting a unit: its endpoint accounts come (as endpoints) or go
 * with it, so the list on screen is what the server will store.
 */
export function withUnitEndpoints(
  members: readonly MeetingInvitee[],
  users: readonly AdminUser[],
  unitId: string,
  invited: boolean,
): MeetingInvitee[] {
  const endpoints = users.filter((user) => user.unitId === unitId && user.kind === 'endpoint' && !user.disabled);
  const endpointIds = new Set(endpoints.map((user) => user.id));
  if (!invited) return members.filter((member) => !(endpointIds.has(member.userId) && member.role === 'endpoint'));
  const listed = new Set(members.map((member) => member.userId));
  return [...members, ...endpoints.filter((user) => !listed.has(user.id)).map((user) => ({ userId: user.id, role: 'endpoint' as const }))];
}

/** One chair at most: choosing a new chair makes the previous one a delegate. */
export function withRole(members: readonly MeetingInvitee[], userId: string, role: MeetingRole): MeetingInvitee[] {
  return members.map((member) => {
    if (member.userId === userId) return { ...member, role };
    if (role === 'chair' && member.role === 'chair') return { ...member, role: 'delegate' };
    return member;
  });
}
