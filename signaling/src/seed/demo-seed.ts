import type { AgendaItem, MeetingRole, Unit, UserKind } from '@ehop/protocol';
import { AgendaRepository } from '../agenda/agenda-repository.js';
import { AttendanceRepository } from '../attendance/attendance-repository.js';
import { clearMeetingVotes } from '../votes/vote-repository.js';
import { MinutesRepository } from '../minutes/minutes-repository.js';
import { hashPassword } from '../accounts/password.js';
import { atVietnamHour } from '../format/vietnam-time.js';
import { UnitRepository } from '../accounts/unit-repository.js';
import { UserRepository } from '../accounts/user-repository.js';
import { MeetingRepository, type NewStoredMeeting } from '../meetings/meeting-repository.js';
import type { RedisClient } from '../redis/client.js';

export const DEFAULT_DEMO_PASSWORD = 'ehop-demo-2026';

export const DEMO_UNITS = {
  province: { id: 'tinh-hoa-binh', name: 'Tỉnh Hòa Bình', level: 'province', parentId: null },
  district: { id: 'huyen-lac-son', name: 'Huyện Lạc Sơn', level: 'district', parentId: 'tinh-hoa-binh' },
  commune: { id: 'xa-an-nghia', name: 'Xã Ân Nghĩa', level: 'commune', parentId: 'huyen-lac-son' },
} as const satisfies Record<string, Unit>;

interface DemoUser {
  id: string;
  username: string;
  displayName: string;
  unitId: string;
  isAdmin: boolean;
  kind: UserKind;
  /** Role in the main demo meeting; null: not invited (the administrator organises, never attends). */
  role: MeetingRole | null;
}

export const DEMO_USERS = [
  { id: 'u-chutri', username: 'chutri', displayName: 'Nguyễn Văn Hùng (Chủ tịch UBND tỉnh)', unitId: DEMO_UNITS.province.id, kind: 'person', isAdmin: false, role: 'chair' },
  { id: 'u-thuky', username: 'thuky', displayName: 'Trần Thị Mai (Thư ký)', unitId: DEMO_UNITS.province.id, kind: 'person', isAdmin: false, role: 'secretary' },
  { id: 'u-daibieu1', username: 'daibieu1', displayName: 'Lê Minh Tuấn (Huyện Lạc Sơn)', unitId: DEMO_UNITS.district.id, kind: 'person', isAdmin: false, role: 'delegate' },
  { id: 'u-daibieu2', username: 'daibieu2', displayName: 'Bùi Thị Lan (Xã Ân Nghĩa)', unitId: DEMO_UNITS.commune.id, kind: 'person', isAdmin: false, role: 'delegate' },
  { id: 'u-daibieu3', username: 'daibieu3', displayName: 'Hà Văn Thắng (Xã Ân Nghĩa)', unitId: DEMO_UNITS.commune.id, kind: 'person', isAdmin: false, role: 'delegate' },
  { id: 'u-diemcau-tinh', username: 'diemcau-tinh', displayName: 'Điểm cầu UBND tỉnh Hòa Bình', unitId: DEMO_UNITS.province.id, kind: 'endpoint', isAdmin: false, role: 'endpoint' },
  { id: 'u-diemcau-huyen', username: 'diemcau-huyen', displayName: 'Điểm cầu UBND huyện Lạc Sơn', unitId: DEMO_UNITS.district.id, kind: 'endpoint', isAdmin: false, role: 'endpoint' },
  { id: 'u-diemcau-xa', username: 'diemcau-xa', displayName: 'Điểm cầu UBND xã Ân Nghĩa', unitId: DEMO_UNITS.commune.id, kind: 'endpoint', isAdmin: false, role: 'endpoint' },
  { id: 'u-quansat', username: 'quansat', displayName: 'Đỗ Văn Bình (Thanh tra tỉnh)', unitId: DEMO_UNITS.province.id, kind: 'person', isAdmin: false, role: 'observer' },
  { id: 'u-admin', username: 'admin', displayName: 'Quản trị hệ thống', unitId: DEMO_UNITS.province.id, kind: 'person', isAdmin: true, role: null },
] as const satisfies readonly DemoUser[];

export const DEMO_MEETING_ID = 'demo-ubnd-tinh';
/** A second meeting daibieu2 is not invited to (for access tests and the demo of "not for you"). */
export const RESTRICTED_MEETING_ID = 'demo-chuyen-doi-so';

export interface DemoSeedOptions {
  password?: string;
  /** The demo meeting starts at 08:00 Vietnam time on this day (default: today). */
  day?: Date;
}

export interface DemoSeedResult {
  password: string;
  users: { username: string; displayName: string; role: MeetingRole | null; isAdmin: boolean }[];
  meetings: { id: string; title: string }[];
}

/** Writes the demo province, accounts and meetings. Safe to run again: it overwrites the same records. */
export async function seedDemo(redis: RedisClient, options: DemoSeedOptions = {}): Promise<DemoSeedResult> {
  const password = options.password ?? DEFAULT_DEMO_PASSWORD;
  const units = new UnitRepository(redis);
  const users = new UserRepository(redis);
  const meetings = new MeetingRepository(redis);

  for (const unit of Object.values(DEMO_UNITS)) await units.save(unit);
  const passwordHash = await hashPassword(password);
  for (const { role: _role, ...user } of DEMO_USERS) await users.save({ ...user, passwordHash });

  const demoMeetings = demoMeetingRecords(options.day ?? new Date());
  for (const meeting of demoMeetings) await meetings.save(meeting);
  await resetAgenda(new AgendaRepository(redis), DEMO_MEETING_ID, DEMO_AGENDA);
  await new AttendanceRepository(redis).clear(DEMO_MEETING_ID);
  await clearMeetingVotes(redis, DEMO_MEETING_ID);
  await new MinutesRepository(redis).clear(DEMO_MEETING_ID);

  return {
    password,
    users: DEMO_USERS.map(({ username, displayName, role, isAdmin }) => ({ username, displayName, role, isAdmin })),
    meetings: demoMeetings.map(({ id, title }) => ({ id, title })),
  };
}

function demoMeetingRecords(day: Date): NewStoredMeeting[] {
  const at = (hourInVietnam: number) => atVietnamHour(day, hourInVietnam);
  const userNamed = (username: string) => DEMO_USERS.find((user) => user.username === username)!;
  return [
    {
      id: DEMO_MEETING_ID,
      title: 'Họp trực tuyến UBND tỉnh — phiên demo',
      startsAt: at(8),
      location: 'Phòng họp trực tuyến UBND tỉnh Hòa Bình',
      status: 'published',
      members: DEMO_USERS.flatMap((user) => (user.role ? [{ userId: user.id, role: user.role }] : [])),
      organizerId: 'u-admin',
      invitedUnitIds: Object.values(DEMO_UNITS).map((unit) => unit.id),
    },
    {
      id: RESTRICTED_MEETING_ID,
      title: 'Họp chuyên đề chuyển đổi số cấp tỉnh',
      startsAt: at(14),
      location: 'Phòng họp số 2, Văn phòng UBND tỉnh',
      status: 'published',
      members: ['chutri', 'thuky', 'daibieu1', 'diemcau-tinh'].flatMap((username) => {
        const { id, role } = userNamed(username);
        return role ? [{ userId: id, role }] : [];
      }),
    },
  ];
}

/** A provincial People's Committee's monthly session: opening, a report with two parts, discussion, conclusion. */
export const DEMO_AGENDA: AgendaItem[] = [
  { id: 'a-khai-mac', title: 'Khai mạc, tuyên bố lý do và giới thiệu đại biểu', presenterId: 'u-thuky', plannedMinutes: 5, children: [] },
  {
    id: 'a-bao-cao-ktxh',
    title: 'Báo cáo tình hình kinh tế – xã hội quý I, nhiệm vụ trọng tâm quý II năm 2026',
    presenterId: 'u-daibieu1',
    plannedMinutes: 20,
    children: [
      { id: 'a-ngan-sach', title: 'Kết quả thu ngân sách và giải ngân vốn đầu tư công', presenterId: 'u-daibieu1', plannedMinutes: 10 },
      { id: 'a-nong-nghiep', title: 'Sản xuất nông nghiệp và phòng, chống thiên tai', presenterId: 'u-daibieu2', plannedMinutes: 10 },
    ],
  },
  { id: 'a-thao-luan', title: 'Thảo luận, ý kiến của các huyện, xã', presenterId: null, plannedMinutes: 30, children: [] },
  { id: 'a-ket-luan', title: 'Kết luận của Chủ tịch UBND tỉnh', presenterId: 'u-chutri', plannedMinutes: 10, children: [] },
];

/** Replaces the agenda (a new version, so screens still showing the old one refresh). */
async function resetAgenda(agendas: AgendaRepository, meetingId: string, items: AgendaItem[]): Promise<void> {
  for (;;) {
    const previous = await agendas.get(meetingId);
    if (await agendas.replace(previous, { items, current: null })) return;
  }
}
