import {
  minutesBlanks,
  RequestError,
  type MeetingRole,
  type Minutes,
  type MinutesHeading,
  type MinutesPermissions,
  type MinutesSection,
  type MinutesVersionInfo,
  type MinutesVersionReason,
  type ParsedClientRequest,
  type RichDoc,
  type User,
} from '@ehop/protocol';
import type { UnitRepository } from '../accounts/unit-repository.js';
import type { UserRepository } from '../accounts/user-repository.js';
import type { AgendaRepository } from '../agenda/agenda-repository.js';
import type { AttendanceRepository } from '../attendance/attendance-repository.js';
import { requireMembership, type Membership } from '../meetings/meeting-access.js';
import type { MeetingRepository, StoredMeeting } from '../meetings/meeting-repository.js';
import type { VoteRepository } from '../votes/vote-repository.js';
import { defaultHeading } from './default-heading.js';
import { canCreate, canRead, NEXT_STATUS, permissionsOf, refusal, type MinutesAction } from './minutes-rules.js';
import type { MinutesRepository, Stored } from './minutes-repository.js';
import { buildSkeleton } from './skeleton.js';
import type { SpeakersLog } from './speakers-log.js';

/** Makes and stores the approved PDF; returns its SHA-256. */
export type PublishPdf = (minutes: Minutes, meeting: StoredMeeting, names: { chair: string; secretary: string }) => Promise<string>;

export interface MinutesServiceDeps {
  meetings: MeetingRepository;
  users: UserRepository;
  units: UnitRepository;
  agendas: AgendaRepository;
  attendance: AttendanceRepository;
  votes: VoteRepository;
  speakers: SpeakersLog;
  minutes: MinutesRepository;
  publishPdf: PublishPdf;
  /** Tells the chair's and secretary's sockets that the minutes changed. */
  broadcast(meeting: StoredMeeting, minutes: Minutes, sectionId: string | null): void;
  /** The minutes were approved (the archive takes their PDF and text). */
  onApproved?(meetingId: string): void;
}

export interface MinutesView {
  minutes: Minutes;
  permissions: MinutesPermissions;
}

/** Two editors saving different sections at once both succeed: a lost compare-and-set reads again. */
const MAX_WRITE_ATTEMPTS = 8;

const REFUSALS: Record<MinutesAction, { forbidden: string; wrong_status: string }> = {
  edit: { forbidden: 'Only the secretary writes the minutes', wrong_status: 'Only draft minutes can be changed' },
  submit: { forbidden: 'Only the secretary submits the minutes', wrong_status: 'Only draft minutes can be submitted' },
  approve: { forbidden: 'Only the chair approves the minutes', wrong_status: 'Only submitted minutes can be approved' },
  return: { forbidden: 'Only the chair returns the minutes', wrong_status: 'Only submitted minutes can be returned' },
};

/** The minutes' rules: who reads, writes, submits and approves them, and what each step stores. */
export class MinutesService {
  constructor(private readonly deps: MinutesServiceDeps) {}

  async get(user: User, meetingId: string): Promise<MinutesView> {
    const { meeting, role } = await this.membership(user, meetingId);
    let stored = await this.deps.minutes.read(meetingId);
    if (!stored) {
      if (!canCreate(role)) throw new RequestError('not_found', 'The minutes have not been written yet');
      stored = await this.create(meeting, user);
    }
    if (!canRead(role, stored.minutes.status)) throw new RequestError('forbidden', 'The minutes are not approved yet');
    return view(stored.minutes, role);
  }

  async saveSection(user: User, request: ParsedClientRequest<'minutes:saveSection'>) {
    const { meeting, role } = await this.membership(user, request.meetingId);
    let sectionRevision = 0;
    const minutes = await this.change(meeting, role, user, 'edit', { reason: 'edited', sectionId: request.sectionId }, (current) => {
      const section = current.sections.find((entry) => entry.id === request.sectionId);
      if (!section) throw new RequestError('not_found', 'No such section in the minutes');
      if (section.revision !== request.baseRevision) {
        throw new RequestError('conflict', 'This section was changed meanwhile; reload it before saving');
      }
      sectionRevision = section.revision + 1;
      const sections = current.sections.map((entry) =>
        entry.id === section.id ? { ...entry, doc: request.doc as RichDoc, revision: sectionRevision } : entry,
      );
      return { ...current, sections };
    });
    return { revision: minutes.revision, sectionRevision, savedAt: minutes.updatedAt };
  }

  async saveHeading(user: User, meetingId: string, heading: MinutesHeading): Promise<MinutesView> {
    const { meeting, role } = await this.membership(user, meetingId);
    const minutes = await this.change(meeting, role, user, 'edit', { reason: 'edited', sectionId: null }, (current) => ({ ...current, heading }));
    return view(minutes, role);
  }

  async submit(user: User, meetingId: string): Promise<MinutesView> {
    const { meeting, role } = await this.membership(user, meetingId);
    const minutes = await this.change(meeting, role, user, 'submit', { reason: 'submitted', sectionId: null }, (current, now) => ({
      ...current,
      status: NEXT_STATUS.submit,
      submittedAt: now,
    }));
    return view(minutes, role);
  }

  async returnToDraft(user: User, meetingId: string): Promise<MinutesView> {
    const { meeting, role } = await this.membership(user, meetingId);
    const minutes = await this.change(meeting, role, user, 'return', { reason: 'returned', sectionId: null }, (current) => ({
      ...current,
      status: NEXT_STATUS.return,
      submittedAt: null,
    }));
    return view(minutes, role);
  }

  /** Approves and locks the minutes; the PDF is made first, so approved minutes always have one. */
  async approve(user: User, meetingId: string): Promise<MinutesView> {
    const { meeting, role } = await this.membership(user, meetingId);
    const names = await this.signatories(meeting);
    const minutes = await this.change(meeting, role, user, 'approve', { reason: 'approved', sectionId: null }, async (current, now) => {
      requireNoBlanks(current);
      const approved: Minutes = { ...current, status: NEXT_STATUS.approve, approvedAt: now, approvedBy: user.id };
      return { ...approved, pdfSha256: await this.deps.publishPdf(approved, meeting, names) };
    });
    this.deps.onApproved?.(meetingId);
    return view(minutes, role);
  }

  /** The skeleton from the meeting's data now (the secretary can insert fresh speakers and votes). */
  async skeleton(user: User, meetingId: string): Promise<MinutesSection[]> {
    const { meeting, role } = await this.membership(user, meetingId);
    if (!canCreate(role)) throw new RequestError('forbidden', 'Only the chair and the secretary see the minutes being written');
    return this.buildSections(meeting);
  }

  async versions(user: User, meetingId: string): Promise<MinutesVersionInfo[]> {
    await this.readable(user, meetingId);
    return this.deps.minutes.versions(meetingId);
  }

  async version(user: User, meetingId: string, revision: number): Promise<{ info: MinutesVersionInfo; minutes: Minutes }> {
    await this.readable(user, meetingId);
    const entry = await this.deps.minutes.version(meetingId, revision);
    if (!entry) throw new RequestError('not_found', 'No such version (older versions are not kept)');
    return entry;
  }

  /** The approved minutes' PDF hash, for the download and the archive; null while not approved. */
  async approvedPdf(user: User, meetingId: string): Promise<string> {
    const { role } = await this.membership(user, meetingId);
    const stored = await this.deps.minutes.read(meetingId);
    if (!stored || stored.minutes.status !== 'approved' || !stored.minutes.pdfSha256) {
      throw new RequestError('not_found', 'The minutes are not approved yet');
    }
    if (!canRead(role, stored.minutes.status)) throw new RequestError('forbidden', 'You cannot read these minutes');
    return stored.minutes.pdfSha256;
  }

  private async readable(user: User, meetingId: string): Promise<Stored> {
    const { role } = await this.membership(user, meetingId);
    const stored = await this.deps.minutes.read(meetingId);
    if (!stored) throw new RequestError('not_found', 'The minutes have not been written yet');
    if (!canRead(role, stored.minutes.status)) throw new RequestError('forbidden', 'The minutes are not approved yet');
    return stored;
  }

  /**
   * Reads, checks the rule, applies `update` and writes by compare-and-set, again from the start
   * when another write came first: a save that lost to an approval is refused, not applied.
   */
  private async change(
    meeting: StoredMeeting,
    role: MeetingRole,
    user: User,
    action: MinutesAction,
    version: { reason: MinutesVersionReason; sectionId: string | null },
    update: (current: Minutes, now: string) => Minutes | Promise<Minutes>,
  ): Promise<Minutes> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const stored = (await this.deps.minutes.read(meeting.id)) ?? (canCreate(role) ? await this.create(meeting, user) : null);
      if (!stored) throw new RequestError('not_found', 'The minutes have not been written yet');
      const why = refusal(action, role, stored.minutes.status);
      if (why) throw new RequestError(why === 'forbidden' ? 'forbidden' : 'conflict', REFUSALS[action][why]);
      const now = new Date().toISOString();
      const next: Minutes = { ...(await update(stored.minutes, now)), revision: stored.version + 1, updatedAt: now, updatedBy: user.id };
      const info: MinutesVersionInfo = { revision: next.revision, savedAt: now, savedBy: user.id, ...version };
      const windowKey = action === 'edit' ? `${user.id}|${version.sectionId ?? 'heading'}` : null;
      if (await this.deps.minutes.write(stored.version, next, info, windowKey)) {
        this.deps.broadcast(meeting, next, version.sectionId);
        return next;
      }
    }
    throw new RequestError('conflict', 'The minutes are being changed by someone else; please try again');
  }

  /** First read by the chair or secretary: the skeleton becomes version 1 (or another node's wins). */
  private async create(meeting: StoredMeeting, user: User): Promise<Stored> {
    const now = new Date().toISOString();
    const chairUnit = await this.chairUnit(meeting);
    const minutes: Minutes = {
      meetingId: meeting.id,
      status: 'draft',
      revision: 1,
      heading: defaultHeading(chairUnit),
      sections: await this.buildSections(meeting),
      updatedAt: now,
      updatedBy: user.id,
      submittedAt: null,
      approvedAt: null,
      approvedBy: null,
      pdfSha256: null,
    };
    const info: MinutesVersionInfo = { revision: 1, savedAt: now, savedBy: user.id, reason: 'created', sectionId: null };
    if (await this.deps.minutes.write(0, minutes, info, null)) return { version: 1, minutes };
    const stored = await this.deps.minutes.read(meeting.id);
    if (!stored) throw new Error('minutes vanished right after being created');
    return stored;
  }

  private async buildSections(meeting: StoredMeeting): Promise<MinutesSection[]> {
    const [members, attendance, agenda, turns, votes] = await Promise.all([
      this.namedMembers(meeting),
      this.deps.attendance.list(meeting.id),
      this.deps.agendas.get(meeting.id),
      this.deps.speakers.turns(meeting.id),
      this.closedVotes(meeting.id),
    ]);
    return buildSkeleton({ meeting, members, attendance, quorum: meeting.quorum, agenda: agenda.items, turns, votes });
  }

  private async closedVotes(meetingId: string) {
    const ids = await this.deps.votes.ids(meetingId);
    const views = await Promise.all(ids.map((id) => this.deps.votes.view(meetingId, id)));
    // Oldest first, as they happened.
    return views.filter((vote) => vote !== null && vote.status === 'closed').reverse() as NonNullable<(typeof views)[number]>[];
  }

  private async namedMembers(meeting: StoredMeeting) {
    const users = await this.deps.users.getMany(meeting.members.map((member) => member.userId));
    const units = await this.deps.units.getMany([...users.values()].map((user) => user.unitId));
    return meeting.members.flatMap(({ userId, role }) => {
      const user = users.get(userId);
      if (!user) return [];
      return [{ userId, role, displayName: user.displayName, unitName: units.get(user.unitId)?.name ?? '' }];
    });
  }

  private async chairUnit(meeting: StoredMeeting) {
    const chairId = meeting.members.find((member) => member.role === 'chair')?.userId;
    const chair = chairId ? await this.deps.users.get(chairId) : null;
    return chair ? this.deps.units.get(chair.unitId) : null;
  }

  private async signatories(meeting: StoredMeeting): Promise<{ chair: string; secretary: string }> {
    const members = await this.namedMembers(meeting);
    const nameOf = (role: MeetingRole) => members.find((member) => member.role === role)?.displayName ?? '';
    return { chair: nameOf('chair'), secretary: nameOf('secretary') };
  }

  private membership(user: User, meetingId: string): Promise<Membership> {
    return requireMembership(this.deps.meetings, meetingId, user.id, { isAdmin: user.isAdmin });
  }
}

/** Approved minutes are the official record: no "… giờ … phút" left for someone to fill in later. */
function requireNoBlanks(minutes: Minutes): void {
  const blanks = minutesBlanks(minutes);
  if (blanks.length === 0) return;
  throw new RequestError(
    'minutes_incomplete',
    `The minutes still have ${blanks.length} blank(s) to fill before approval`,
    { issues: blanks.map(({ path, text }) => ({ path, message: text })) },
  );
}

function view(minutes: Minutes, role: MeetingRole): MinutesView {
  return { minutes, permissions: permissionsOf(role, minutes.status) };
}
