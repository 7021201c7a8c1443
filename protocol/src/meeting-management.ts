import { z } from 'zod';
import { Id, MeetingRole, MeetingStatus, MeetingSummary } from './domain.js';

/*
 * Creating and running meetings: the organiser's form (`/api/admin/meetings`), the status
 * lifecycle draft -> published -> in_progress -> ended (`POST /api/meetings/:id/status`) and
 * its live announcement to the meeting's room.
 */

/**
 * How many invited delegates make a quorum: `more_than` 1/2 ("quá nửa", the default) or
 * `at_least` 2/3 ("ít nhất hai phần ba"). Integers, so no rounding surprises.
 */
export const QuorumRule = z
  .object({
    numerator: z.number().int().min(1).max(100),
    denominator: z.number().int().min(1).max(100),
    comparison: z.enum(['more_than', 'at_least']),
  })
  .refine((rule) => rule.numerator <= rule.denominator, { message: 'the fraction must not exceed 1' });
export type QuorumRule = z.infer<typeof QuorumRule>;

export const DEFAULT_QUORUM: QuorumRule = { numerator: 1, denominator: 2, comparison: 'more_than' };

export const MeetingInvitee = z.object({ userId: Id, role: MeetingRole });
export type MeetingInvitee = z.infer<typeof MeetingInvitee>;

/** What the organiser fills in. Invited units' endpoint accounts join the members on save. */
export const MeetingInput = z
  .object({
    title: z.string().trim().min(1).max(300),
    startsAt: z.iso.datetime({ offset: true }).transform((iso) => new Date(iso).toISOString()),
    location: z.string().trim().max(300).default(''),
    invitedUnitIds: z.array(Id).max(500).default([]),
    members: z.array(MeetingInvitee).max(1000).default([]),
    quorum: QuorumRule.default(DEFAULT_QUORUM),
  })
  .superRefine((input, context) => {
    const seen = new Set<string>();
    input.members.forEach((member, index) => {
      if (seen.has(member.userId)) {
        context.addIssue({ code: 'custom', message: 'invited twice', path: ['members', index, 'userId'] });
      }
      seen.add(member.userId);
    });
    if (input.members.filter((member) => member.role === 'chair').length > 1) {
      context.addIssue({ code: 'custom', message: 'a meeting has one chair', path: ['members'] });
    }
    if (new Set(input.invitedUnitIds).size !== input.invitedUnitIds.length) {
      context.addIssue({ code: 'custom', message: 'a unit is listed twice', path: ['invitedUnitIds'] });
    }
  });
export type MeetingInput = z.input<typeof MeetingInput>;

/** A meeting as its organisers manage it: everything stored about it. */
export const ManagedMeeting = MeetingSummary.omit({ myRole: true }).extend({
  organizerId: Id.nullable(),
  invitedUnitIds: z.array(Id),
  members: z.array(MeetingInvitee),
  quorum: QuorumRule,
});
export type ManagedMeeting = z.infer<typeof ManagedMeeting>;

export const MeetingStatusChange = z.object({ status: MeetingStatus });

/** Events of a meeting's lifecycle: the status to everyone in its room, membership to the person concerned. */
export const meetingLifecycleEvents = {
  'meeting:statusChanged': z.object({ meetingId: Id, status: MeetingStatus }),
  /**
   * To every socket of a user whose role in the meeting changed (`role`), or who was removed from
   * it (`role: null`: the server has already taken them out of its media and rooms).
   */
  'meeting:membershipChanged': z.object({ meetingId: Id, role: MeetingRole.nullable() }),
} as const;

/** The chair and the secretary run a meeting: they prepare the agenda and take attendance. */
export function isMeetingStaffRole(role: MeetingRole): boolean {
  return role === 'chair' || role === 'secretary';
}
