import { z } from 'zod';
import { Id, type MeetingRole } from './domain.js';
import { QuorumRule } from './meeting-management.js';

/*
 * Attendance (điểm danh): each member is present in the room (có mặt tại phòng họp), online
 * from an endpoint (trực tuyến tại điểm cầu) or absent with a reason (vắng mặt, lý do).
 * A participant checks themselves in; the secretary or the chair can record anyone.
 */

export const AttendanceStatus = z.enum(['present', 'online', 'absent']);
export type AttendanceStatus = z.infer<typeof AttendanceStatus>;

export const AbsenceReason = z.string().trim().min(1).max(300);

export const AttendanceEntry = z.object({
  userId: Id,
  status: AttendanceStatus,
  /** Why, when absent; null otherwise. */
  reason: z.string().max(300).nullable(),
  /** The endpoint account the person attends from, when online and known. */
  endpointId: Id.nullable(),
  recordedBy: Id,
  recordedAt: z.iso.datetime(),
  /** Increases with every change in the meeting: of two entries for one person, the higher wins. */
  version: z.number().int().min(1),
});
export type AttendanceEntry = z.infer<typeof AttendanceEntry>;

export const CheckInRequest = z
  .object({
    meetingId: Id,
    /** Whom to record; omitted: the caller. Others only by the secretary or the chair. */
    userId: Id.optional(),
    status: AttendanceStatus,
    reason: AbsenceReason.optional(),
    endpointId: Id.optional(),
  })
  .superRefine((request, context) => {
    if (request.status === 'absent' && !request.reason) {
      context.addIssue({ code: 'custom', message: 'an absence needs a reason', path: ['reason'] });
    }
    if (request.status !== 'absent' && request.reason !== undefined) {
      context.addIssue({ code: 'custom', message: 'a reason is only for an absence', path: ['reason'] });
    }
    if (request.status !== 'online' && request.endpointId !== undefined) {
      context.addIssue({ code: 'custom', message: 'an endpoint is only for online attendance', path: ['endpointId'] });
    }
  });
export type CheckInRequest = z.input<typeof CheckInRequest>;

export const AttendanceSnapshot = z.object({
  meetingId: Id,
  quorum: QuorumRule,
  /** Everyone's entries for the chair and the secretary; only the caller's own for the others. */
  entries: z.array(AttendanceEntry),
});
export type AttendanceSnapshot = z.infer<typeof AttendanceSnapshot>;

export const attendanceRequests = {
  'attendance:get': { request: z.object({ meetingId: Id }), response: AttendanceSnapshot },
  'attendance:checkIn': { request: CheckInRequest, response: AttendanceEntry },
} as const;

export const attendanceEvents = {
  /** One person's attendance changed: sent to the chair and secretary, and to that person. */
  'attendance:changed': z.object({ meetingId: Id, entry: AttendanceEntry }),
} as const;

/** Roles whose attendance is taken: endpoints are devices, shown by their connection instead. */
export function takesAttendance(role: MeetingRole): boolean {
  return role !== 'endpoint';
}

export interface AttendanceTally {
  /** People whose attendance is taken (every role but endpoint). */
  people: number;
  present: number;
  online: number;
  absent: number;
  notCheckedIn: number;
  /** Invited delegates, the base of the quorum. */
  delegates: number;
  /** Delegates present in the room or online. */
  delegatesAttending: number;
  /** Delegates needed for the quorum (0 when no delegate is invited). */
  required: number;
  reached: boolean;
}

/** Smallest number of delegates satisfying the rule, in integers: no floating-point edge cases. */
export function quorumThreshold(delegates: number, rule: QuorumRule): number {
  if (delegates <= 0) return 0;
  const product = delegates * rule.numerator;
  if (rule.comparison === 'more_than') return Math.floor(product / rule.denominator) + 1;
  return Math.ceil(product / rule.denominator);
}

/** Counts by status and the quorum, from the members (with roles) and the entries recorded. */
export function tallyAttendance(
  members: readonly { userId: string; role: MeetingRole }[],
  entries: Iterable<Pick<AttendanceEntry, 'userId' | 'status'>>,
  rule: QuorumRule,
): AttendanceTally {
  const statusOf = new Map<string, AttendanceStatus>();
  for (const entry of entries) statusOf.set(entry.userId, entry.status);
  const tally = { people: 0, present: 0, online: 0, absent: 0, notCheckedIn: 0, delegates: 0, delegatesAttending: 0 };
  for (const member of members) {
    if (!takesAttendance(member.role)) continue;
    const status = statusOf.get(member.userId);
    tally.people++;
    if (status) tally[status]++;
    else tally.notCheckedIn++;
    if (member.role !== 'delegate') continue;
    tally.delegates++;
    if (status === 'present' || status === 'online') tally.delegatesAttending++;
  }
  const required = quorumThreshold(tally.delegates, rule);
  return { ...tally, required, reached: tally.delegates > 0 && tally.delegatesAttending >= required };
}
