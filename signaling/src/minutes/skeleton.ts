import {
  resultRows,
  tallyAttendance,
  type AgendaEntry,
  type AgendaItem,
  type AttendanceEntry,
  type MeetingRole,
  type MinutesSection,
  type QuorumRule,
  type RichNode,
  type Vote,
} from '@ehop/protocol';
import { bulletList, doc, heading, labelled, orderedList, paragraph } from './rich-text.js';
import { baseText, outcomeSentence } from '../votes/vote-outcome-text.js';
import type { SpokenTurn } from './speakers-log.js';
import { clockTime, sameVietnamDay, spokenDuration, vietnameseDate, vietnameseTime } from '../format/vietnam-time.js';

/** Everything the system knows about a meeting that the minutes start from. */
export interface SkeletonInput {
  /** `endedAt` null while the meeting runs: the closing time is then left blank. */
  meeting: { title: string; startsAt: string; location: string; endedAt?: string | null };
  members: readonly { userId: string; displayName: string; role: MeetingRole; unitName: string }[];
  attendance: readonly AttendanceEntry[];
  quorum: QuorumRule;
  agenda: readonly AgendaItem[];
  turns: readonly SpokenTurn[];
  /** Votes of the meeting; only closed ones have results to record. */
  votes: readonly Vote[];
}

const STATUS_LABEL: Record<AttendanceEntry['status'], string> = {
  present: 'có mặt tại phòng họp',
  online: 'trực tuyến tại điểm cầu',
  absent: 'vắng mặt',
};

/**
 * The minutes' first draft, in the order of Vietnamese meeting minutes: details, attendance,
 * agenda, then each agenda item (presenter, who spoke, votes, an empty conclusion), closing.
 * Pure: the same input gives the same sections (all at revision 0).
 */
export function buildSkeleton(input: SkeletonInput): MinutesSection[] {
  const entries = flattenAgenda(input.agenda);
  const knownItems = new Set(entries.map(({ entry }) => entry.id));
  const offAgendaTurns = input.turns.filter((turn) => turn.agendaItemId === null || !knownItems.has(turn.agendaItemId));
  return [
    section('details', 'details', null, 'I. THÔNG TIN CUỘC HỌP', detailsDoc(input)),
    section('attendance', 'attendance', null, 'II. THÀNH PHẦN THAM DỰ', attendanceDoc(input)),
    section('agenda', 'agenda', null, 'III. CHƯƠNG TRÌNH CUỘC HỌP', agendaDoc(input.agenda)),
    ...entries.map(({ entry, number }) =>
      section(`item-${entry.id}`, 'item', entry.id, `${number}. ${entry.title}`, itemDoc(entry, input)),
    ),
    section('closing', 'closing', null, 'IV. KẾT THÚC CUỘC HỌP', closingDoc(offAgendaTurns, input.meeting)),
  ];
}

function section(id: string, kind: MinutesSection['kind'], agendaItemId: string | null, title: string, body: RichNode): MinutesSection {
  // Agenda ids are at most 64 characters; the section id must stay a valid Id too.
  return { id: id.slice(0, 64), kind, agendaItemId, title, doc: body, revision: 0 };
}

/** Items and sub-items in agenda order, numbered "1", "1.1"… */
export function flattenAgenda(items: readonly AgendaItem[]): { entry: AgendaEntry; number: string }[] {
  return items.flatMap((item, index) => [
    { entry: item, number: String(index + 1) },
    ...item.children.map((child, childIndex) => ({ entry: child, number: `${index + 1}.${childIndex + 1}` })),
  ]);
}

function namesWithRole(input: SkeletonInput, role: MeetingRole): string {
  const names = input.members.filter((member) => member.role === role).map((member) => member.displayName);
  return names.length > 0 ? names.join(', ') : '…';
}

function detailsDoc(input: SkeletonInput): RichNode {
  const { meeting } = input;
  return doc(
    labelled('Thời gian', `bắt đầu lúc ${vietnameseTime(meeting.startsAt)}, ${vietnameseDate(meeting.startsAt)}`),
    labelled('Địa điểm', meeting.location || '…'),
    labelled('Chủ trì', namesWithRole(input, 'chair')),
    labelled('Thư ký', namesWithRole(input, 'secretary')),
    labelled('Nội dung', meeting.title),
  );
}

function attendanceDoc(input: SkeletonInput): RichNode {
  const tally = tallyAttendance(input.members, input.attendance, input.quorum);
  const statusOf = new Map(input.attendance.map((entry) => [entry.userId, entry]));
  const people = input.members.filter((member) => member.role !== 'endpoint');
  const lines = people.map((member) => {
    const entry = statusOf.get(member.userId);
    const status = entry ? STATUS_LABEL[entry.status] : 'chưa điểm danh';
    const reason = entry?.status === 'absent' && entry.reason ? ` (lý do: ${entry.reason})` : '';
    return [paragraph(`${member.displayName}, ${member.unitName}: ${status}${reason}`)];
  });
  return doc(
    paragraph(
      `Tổng số: ${tally.people} người; có mặt tại phòng họp: ${tally.present}; trực tuyến: ${tally.online}; ` +
        `vắng mặt: ${tally.absent}; chưa điểm danh: ${tally.notCheckedIn}.`,
    ),
    paragraph(
      `Đại biểu tham dự: ${tally.delegatesAttending}/${tally.delegates} ` +
        `(cần ${tally.required}): ${tally.reached ? 'đủ' : 'chưa đủ'} số lượng theo quy định.`,
    ),
    ...(lines.length > 0 ? [bulletList(lines)] : []),
  );
}

function agendaDoc(items: readonly AgendaItem[]): RichNode {
  if (items.length === 0) return doc(paragraph('…'));
  return doc(
    orderedList(
      items.map((item) => [
        paragraph(item.title),
        ...(item.children.length > 0 ? [bulletList(item.children.map((child) => [paragraph(child.title)]))] : []),
      ]),
    ),
  );
}

function itemDoc(entry: AgendaEntry, input: SkeletonInput): RichNode {
  const presenter = input.members.find((member) => member.userId === entry.presenterId);
  const turns = input.turns.filter((turn) => turn.agendaItemId === entry.id);
  const votes = input.votes.filter((vote) => vote.agendaItemId === entry.id && vote.status === 'closed');
  return doc(
    labelled('Trình bày', presenter ? `${presenter.displayName}, ${presenter.unitName}` : '…'),
    heading(3, 'Ý kiến phát biểu'),
    turnsBlock(turns),
    ...(votes.length > 0 ? [heading(3, 'Kết quả biểu quyết'), ...votes.flatMap((vote) => voteBlock(vote, input))] : []),
    heading(3, 'Kết luận'),
    paragraph(),
  );
}

function turnsBlock(turns: readonly SpokenTurn[]): RichNode {
  if (turns.length === 0) return paragraph('Không có ý kiến phát biểu.');
  return bulletList(
    turns.map((turn) => [
      paragraph(
        { text: turn.displayName, bold: true },
        `, ${turn.unitName} (${turn.kind === 'point_of_order' ? 'ý kiến về thủ tục, ' : ''}${clockTime(turn.grantedAt)}, ${spokenDuration(turn.durationSec)}): `,
      ),
    ]),
  );
}

/**
 * A closed vote's counts (each as a share of the delegates its rule counts), the names per option
 * only for a named vote (a secret one has none), then the rule and whether the motion passed.
 */
function voteBlock(vote: Vote, input: SkeletonInput): RichNode[] {
  const results = vote.results;
  if (!results) return [paragraph({ text: vote.question, bold: true }, ' (đang kiểm phiếu)')];
  const { outcome } = results;
  const rows = resultRows(vote.options, results.counts, outcome.base);
  const form = vote.secret ? 'bỏ phiếu kín' : 'biểu quyết công khai';
  const nameOf = new Map(input.members.map((member) => [member.userId, member.displayName]));
  const ballots = results.ballots ?? [];
  return [
    paragraph(
      { text: vote.question, bold: true },
      ` (${form}; ${vote.turnout.voted}/${vote.turnout.eligible} đại biểu có mặt đã biểu quyết; tổng số đại biểu: ${vote.delegates})`,
    ),
    bulletList(
      rows.map((row) => {
        const names = ballots.filter((ballot) => ballot.optionId === row.option.id).map((ballot) => nameOf.get(ballot.userId) ?? ballot.userId);
        const who = names.length > 0 ? `: ${names.join(', ')}` : '';
        return [paragraph(`${row.option.label}: ${row.count} (${row.percent.toLocaleString('vi-VN')}% ${baseText(outcome.rule)})${who}`)];
      }),
    ),
    paragraph({ text: `Kết quả: ${outcomeSentence(vote, outcome)}`, bold: true }),
  ];
}

/** "10 giờ 05 phút cùng ngày" once the meeting ended (or with its date, past midnight); blank before. */
function endTime({ startsAt, endedAt }: SkeletonInput['meeting']): string {
  if (!endedAt) return '… giờ … phút cùng ngày';
  return `${vietnameseTime(endedAt)} ${sameVietnamDay(startsAt, endedAt) ? 'cùng ngày' : vietnameseDate(endedAt)}`;
}

function closingDoc(offAgendaTurns: readonly SpokenTurn[], meeting: SkeletonInput['meeting']): RichNode {
  return doc(
    ...(offAgendaTurns.length > 0 ? [heading(3, 'Ý kiến phát biểu khác'), turnsBlock(offAgendaTurns)] : []),
    paragraph(`Cuộc họp kết thúc vào lúc ${endTime(meeting)}.`),
    paragraph('Biên bản đã được thông qua trước các thành viên dự họp và được lập thành … bản có giá trị như nhau.'),
  );
}
