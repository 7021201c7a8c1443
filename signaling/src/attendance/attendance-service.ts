import {
  RequestError,
  takesAttendance,
  type AttendanceEntry,
  type AttendanceSnapshot,
  type ParsedClientRequest,
  type User,
} from '@ehop/protocol';
import { isMeetingStaff, requireMembership, requireNotEnded, requireRole, type Membership } from '../meetings/meeting-access.js';
import type { MeetingRepository, StoredMeeting } from '../meetings/meeting-repository.js';
import { roleOf } from '../meetings/meeting-repository.js';
import type { AttendanceRepository } from './attendance-repository.js';

export interface AttendanceServiceDeps {
  meetings: MeetingRepository;
  attendance: AttendanceRepository;
  /** Tells the meeting's chair and secretary, and the person concerned. */
  broadcast(meetingId: string, entry: AttendanceEntry): void;
}

export interface AttendanceView {
  snapshot: AttendanceSnapshot;
  /** True for the chair and the secretary: they follow everyone's attendance live. */
  watchesEveryone: boolean;
}

/** Who may record whose attendance, when, and who sees what. */
export class AttendanceService {
  constructor(private readonly deps: AttendanceServiceDeps) {}

  /** The chair and the secretary see everyone; the others their own entry only. */
  async view(user: User, meetingId: string): Promise<AttendanceView> {
    const { meeting, role } = await this.membership(user, meetingId);
    const watchesEveryone = isMeetingStaff(role);
    const entries = watchesEveryone
      ? await this.deps.attendance.list(meetingId)
      : [await this.deps.attendance.get(meetingId, user.id)].filter((entry) => entry !== null);
    return { snapshot: { meetingId, quorum: meeting.quorum, entries }, watchesEveryone };
  }

  /** Oneself, or anyone (by the secretary or the chair); in a published or running meeting. */
  async checkIn(user: User, request: ParsedClientRequest<'attendance:checkIn'>): Promise<AttendanceEntry> {
    const { meeting, role } = await this.membership(user, request.meetingId);
    const targetId = request.userId ?? user.id;
    if (targetId !== user.id) {
      requireRole(role, ['chair', 'secretary'], "Only the secretary or the chair records other people's attendance");
    }
    requireNotEnded(meeting);
    if (meeting.status === 'draft') throw new RequestError('conflict', 'The meeting has not been published yet');
    requireAttendee(meeting, targetId);
    if (request.endpointId !== undefined) requireEndpoint(meeting, request.endpointId);

    const entry = await this.deps.attendance.record(meeting.id, {
      userId: targetId,
      status: request.status,
      reason: request.status === 'absent' ? (request.reason ?? null) : null,
      endpointId: request.endpointId ?? null,
      recordedBy: user.id,
      recordedAt: new Date().toISOString(),
    });
    this.deps.broadcast(meeting.id, entry);
    return entry;
  }

  /**
   * Someone entered the meeting's room (or was there when it started): a member whose attendance
   * is taken is checked in as present, if the meeting is running and they have no entry yet. An
   * entry already recorded (by the secretary, or by themselves: online from an endpoint, absent)
   * is left as it is: the person who recorded it knew more than a connection can tell.
   */
  async checkInOnArrival(meetingId: string, userId: string): Promise<AttendanceEntry | null> {
    const meeting = await this.deps.meetings.get(meetingId);
    const role = meeting ? roleOf(meeting, userId) : null;
    if (!meeting || meeting.status !== 'in_progress' || !role || !takesAttendance(role)) return null;
    const entry = await this.deps.attendance.recordFirst(meetingId, {
      userId,
      status: 'present',
      reason: null,
      endpointId: null,
      recordedBy: userId,
      recordedAt: new Date().toISOString(),
    });
    if (entry) this.deps.broadcast(meetingId, entry);
    return entry;
  }

  private membership(user: User, meetingId: string): Promise<Membership> {
    return requireMembership(this.deps.meetings, meetingId, user.id, { isAdmin: user.isAdmin });
  }
}

function requireAttendee(meeting: StoredMeeting, userId: string): void {
  const role = roleOf(meeting, userId);
  if (!role) throw new RequestError('not_found', 'This person is not invited to the meeting');
  if (!takesAttendance(role)) throw new RequestError('invalid_payload', 'Endpoints are shown by their connection, not checked in');
}

function requireEndpoint(meeting: StoredMeeting, endpointId: string): void {
  if (roleOf(meeting, endpointId) !== 'endpoint') {
    throw new RequestError('invalid_payload', 'The endpoint must be one of the meeting\'s endpoints');
  }
}
