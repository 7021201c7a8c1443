import { takesAttendance, type AttendanceEntry, type AttendanceStatus } from '@ehop/protocol';
import type { AttendanceRepository } from '../../attendance/attendance-repository.js';
import { ROLE_LABELS, toCsv } from './csv.js';
import { vietnamDateTimeSeconds } from '../../format/vietnam-time.js';
import { bytesItem, displayNameOf, type DossierContext, type DossierItem, type DossierProvider } from './dossier-item.js';

const STATUS_LABELS: Record<AttendanceStatus, string> = {
  present: 'Có mặt',
  online: 'Dự trực tuyến',
  absent: 'Vắng mặt',
};

/**
 * Attendance (điểm danh) as CSV: every member whose attendance is taken (the meeting's members
 * only, never a visitor such as an administrator; endpoints are devices, not attendees), with
 * their status as last recorded.
 */
export class AttendanceDossierProvider implements DossierProvider {
  readonly kind = 'attendance' as const;

  constructor(private readonly attendance: AttendanceRepository) {}

  async items(context: DossierContext): Promise<DossierItem[]> {
    const entries = new Map((await this.attendance.list(context.meeting.id)).map((entry) => [entry.userId, entry]));
    const rows = [
      ['Họ và tên', 'Đơn vị', 'Vai trò', 'Tình trạng', 'Lý do vắng', 'Dự từ điểm cầu', 'Thời điểm ghi nhận'],
      ...context.meeting.members
        .filter(({ role }) => takesAttendance(role))
        .map(({ userId, role }) => row(context, userId, ROLE_LABELS[role], entries.get(userId))),
    ];
    return [
      bytesItem(
        { kind: 'attendance', title: 'Danh sách điểm danh', fileName: 'diem-danh.csv', mediaType: 'text/csv', confidential: false, documentId: null },
        toCsv(rows),
      ),
    ];
  }
}

function row(context: DossierContext, userId: string, role: string, entry: AttendanceEntry | undefined): string[] {
  return [
    displayNameOf(context, userId),
    context.people.get(userId)?.unitName ?? '',
    role,
    entry ? STATUS_LABELS[entry.status] : 'Chưa điểm danh',
    entry?.reason ?? '',
    entry?.endpointId ? displayNameOf(context, entry.endpointId) : '',
    entry ? vietnamDateTimeSeconds(entry.recordedAt) : '',
  ];
}
