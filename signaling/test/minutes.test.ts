import { describe, expect, it } from 'vitest';
import { MAX_RICH_DEPTH, RichDoc, minutesBlanks, minutesRequests, richText, voteOutcome, type AgendaItem, type Minutes, type Vote } from '@ehop/protocol';
import { defaultHeading } from '../src/minutes/default-heading.js';
import { minutesDocument } from '../src/minutes/minutes-pdf.js';
import { canRead, permissionsOf, refusal } from '../src/minutes/minutes-rules.js';
import { buildSkeleton, type SkeletonInput } from '../src/minutes/skeleton.js';
import { vietnameseDate } from '../src/format/vietnam-time.js';

const AGENDA: AgendaItem[] = [
  { id: 'a1', title: 'Khai mạc', presenterId: 'u-thuky', plannedMinutes: 5, children: [] },
  {
    id: 'a2',
    title: 'Báo cáo kinh tế – xã hội',
    presenterId: 'u-db1',
    plannedMinutes: 20,
    children: [{ id: 'a2-1', title: 'Thu ngân sách', presenterId: null, plannedMinutes: 5 }],
  },
];

function vote(overrides: Partial<Vote>): Vote {
  const base: Vote = {
    id: 'v1',
    meetingId: 'm1',
    agendaItemId: 'a2',
    question: 'Thông qua báo cáo?',
    options: [
      { id: 'agree', label: 'Đồng ý' },
      { id: 'disagree', label: 'Không đồng ý' },
    ],
    secret: false,
    chairVotes: false,
    passingRule: 'majority_of_all',
    delegates: 4,
    status: 'closed',
    openedAt: '2026-11-27T02:00:00.000Z',
    closesAt: null,
    closedAt: '2026-11-27T02:05:00.000Z',
    turnout: { voted: 2, eligible: 3 },
    results: {
      counts: [
        { optionId: 'agree', count: 1 },
        { optionId: 'disagree', count: 1 },
      ],
      ballots: [
        { userId: 'u-db1', optionId: 'agree' },
        { userId: 'u-db2', optionId: 'disagree' },
      ],
      outcome: voteOutcome('majority_of_all', [{ id: 'agree' }], [], { delegates: 0, present: 0 }),
    },
    ...overrides,
  };
  // The outcome as the server computes it from the fixture's own rule, counts and numbers.
  if (!base.results) return base;
  const outcome = voteOutcome(base.passingRule, base.options, base.results.counts, { delegates: base.delegates, present: base.turnout.eligible });
  return { ...base, results: { ...base.results, outcome } };
}

function input(overrides: Partial<SkeletonInput> = {}): SkeletonInput {
  return {
    meeting: { title: 'Họp UBND tỉnh', startsAt: '2026-11-27T01:00:00.000Z', location: 'Phòng họp số 1' },
    members: [
      { userId: 'u-chair', displayName: 'Nguyễn Văn Hùng', role: 'chair', unitName: 'Tỉnh Hòa Bình' },
      { userId: 'u-thuky', displayName: 'Trần Thị Mai', role: 'secretary', unitName: 'Tỉnh Hòa Bình' },
      { userId: 'u-db1', displayName: 'Lê Minh Tuấn', role: 'delegate', unitName: 'Huyện Lạc Sơn' },
      { userId: 'u-db2', displayName: 'Bùi Thị Lan', role: 'delegate', unitName: 'Xã Ân Nghĩa' },
      { userId: 'u-ep', displayName: 'Điểm cầu tỉnh', role: 'endpoint', unitName: 'Tỉnh Hòa Bình' },
    ],
    attendance: [
      { userId: 'u-db1', status: 'present', reason: null, endpointId: null, recordedBy: 'u-thuky', recordedAt: '2026-11-27T01:00:00.000Z', version: 1 },
      { userId: 'u-db2', status: 'absent', reason: 'Ốm', endpointId: null, recordedBy: 'u-thuky', recordedAt: '2026-11-27T01:00:00.000Z', version: 2 },
    ],
    quorum: { numerator: 1, denominator: 2, comparison: 'more_than' },
    agenda: AGENDA,
    turns: [
      { userId: 'u-db1', displayName: 'Lê Minh Tuấn', unitName: 'Huyện Lạc Sơn', agendaItemId: 'a2', grantedAt: '2026-11-27T01:30:00.000Z', durationSec: 125 },
      { userId: 'u-db2', displayName: 'Bùi Thị Lan', unitName: 'Xã Ân Nghĩa', agendaItemId: null, grantedAt: '2026-11-27T01:40:00.000Z', durationSec: 30, kind: 'point_of_order' },
    ],
    votes: [vote({})],
    ...overrides,
  };
}

const textOf = (sections: ReturnType<typeof buildSkeleton>, id: string) => richText(sections.find((section) => section.id === id)!.doc);

describe('minutes skeleton', () => {
  it('has details, attendance, agenda, a section per agenda item and sub-item, and closing', () => {
    const sections = buildSkeleton(input());
    expect(sections.map((section) => section.id)).toEqual(['details', 'attendance', 'agenda', 'item-a1', 'item-a2', 'item-a2-1', 'closing']);
    expect(sections.map((section) => section.title).slice(3, 6)).toEqual(['1. Khai mạc', '2. Báo cáo kinh tế – xã hội', '2.1. Thu ngân sách']);
    expect(sections.every((section) => section.revision === 0 && RichDoc.safeParse(section.doc).success)).toBe(true);
  });

  it('fills the meeting details in Vietnam time', () => {
    const details = textOf(buildSkeleton(input()), 'details');
    expect(details).toContain('Thời gian: bắt đầu lúc 08 giờ 00 phút, ngày 27 tháng 11 năm 2026');
    expect(details).toContain('Chủ trì: Nguyễn Văn Hùng');
    expect(details).toContain('Thư ký: Trần Thị Mai');
    expect(details).toContain('Địa điểm: Phòng họp số 1');
  });

  it('tallies attendance without endpoints and lists absences with their reason', () => {
    const attendance = textOf(buildSkeleton(input()), 'attendance');
    expect(attendance).toContain('Tổng số: 4 người; có mặt tại phòng họp: 1; trực tuyến: 0; vắng mặt: 1; chưa điểm danh: 2.');
    expect(attendance).toContain('Bùi Thị Lan, Xã Ân Nghĩa: vắng mặt (lý do: Ốm)');
    expect(attendance).not.toContain('Điểm cầu tỉnh');
  });

  it('puts each turn to speak and each closed vote under its item, and an empty conclusion', () => {
    const sections = buildSkeleton(input());
    const item = textOf(sections, 'item-a2');
    expect(item).toContain('Trình bày: Lê Minh Tuấn, Huyện Lạc Sơn');
    expect(item).toContain('Lê Minh Tuấn, Huyện Lạc Sơn (08:30, 2 phút 05 giây)');
    expect(item).toContain('Thông qua báo cáo? (biểu quyết công khai; 2/3 đại biểu có mặt đã biểu quyết; tổng số đại biểu: 4)');
    expect(item).toContain('Đồng ý: 1 (25% tổng số đại biểu): Lê Minh Tuấn');
    expect(item).toContain('Kết quả: Không thông qua: 1/4 đại biểu tán thành (Đồng ý), cần ít nhất 3 (quá nửa tổng số đại biểu tán thành).');
    expect(item.trimEnd().endsWith('Kết luận')).toBe(true);
    expect(textOf(sections, 'item-a1')).toContain('Không có ý kiến phát biểu.');
    // A turn outside any agenda item is not lost: it goes to the closing section.
    expect(textOf(sections, 'closing')).toContain('Bùi Thị Lan, Xã Ân Nghĩa (ý kiến về thủ tục, 08:40, 30 giây)');
  });

  it('records only the totals of a secret ballot, and no open vote', () => {
    const secret = vote({ secret: true, results: { counts: [{ optionId: 'agree', count: 2 }], ballots: null, outcome: vote({}).results!.outcome } });
    const open = vote({ id: 'v2', question: 'Đang mở?', status: 'open', results: null });
    const item = textOf(buildSkeleton(input({ votes: [secret, open] })), 'item-a2');
    expect(item).toContain('(bỏ phiếu kín; 2/3 đại biểu có mặt đã biểu quyết; tổng số đại biểu: 4)');
    expect(item).toContain('Đồng ý: 2 (50% tổng số đại biểu)\n');
    expect(item).not.toMatch(/Đồng ý: 2 \(50% tổng số đại biểu\): /);
    expect(item).not.toContain('Đang mở?');
  });

  it('states the passing rule, the counts against it and the outcome', () => {
    const counts = [
      { optionId: 'agree', count: 2 },
      { optionId: 'disagree', count: 1 },
    ];
    const present = vote({ passingRule: 'majority_of_present', results: { counts, ballots: null, outcome: vote({}).results!.outcome } });
    const item = textOf(buildSkeleton(input({ votes: [present] })), 'item-a2');
    expect(item).toContain('Đồng ý: 2 (66,7% số đại biểu có mặt)');
    expect(item).toContain('Kết quả: Thông qua: 2/3 đại biểu tán thành (Đồng ý), cần ít nhất 2 (quá nửa số đại biểu có mặt tán thành).');
    const twoThirds = vote({ passingRule: 'two_thirds_of_all', results: { counts, ballots: null, outcome: vote({}).results!.outcome } });
    expect(textOf(buildSkeleton(input({ votes: [twoThirds] })), 'item-a2')).toContain(
      'Kết quả: Không thông qua: 2/4 đại biểu tán thành (Đồng ý), cần ít nhất 3 (ít nhất hai phần ba tổng số đại biểu tán thành).',
    );
  });
});

describe('the closing time', () => {
  it('is left blank while the meeting runs, and written in Vietnam time once it ended', () => {
    expect(textOf(buildSkeleton(input()), 'closing')).toContain('Cuộc họp kết thúc vào lúc … giờ … phút cùng ngày.');
    const ended = input({ meeting: { ...input().meeting, endedAt: '2026-11-27T04:05:00.000Z' } });
    expect(textOf(buildSkeleton(ended), 'closing')).toContain('Cuộc họp kết thúc vào lúc 11 giờ 05 phút cùng ngày.');
  });

  it('gives the date when the meeting ended on another day in Vietnam (though the same day in UTC)', () => {
    const late = input({ meeting: { title: 'Họp khẩn', startsAt: '2026-12-03T13:00:00.000Z', location: 'Phòng họp', endedAt: '2026-12-03T17:30:00.000Z' } });
    expect(textOf(buildSkeleton(late), 'closing')).toContain('Cuộc họp kết thúc vào lúc 00 giờ 30 phút ngày 04 tháng 12 năm 2026.');
  });
});

describe('blanks left in the minutes', () => {
  const minutesOf = (sections: ReturnType<typeof buildSkeleton>, place = 'Hòa Bình') => ({
    heading: { issuingBody: 'ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH', number: '', place },
    sections,
  });

  it('lists every blank of the skeleton with the sentence around it, in reading order', () => {
    const blanks = minutesBlanks(minutesOf(buildSkeleton(input()), '…'));
    expect(blanks).toEqual([
      { path: 'heading.place', text: '…' },
      { path: 'item-a2-1', text: 'Trình bày: …' },
      { path: 'closing', text: 'Cuộc họp kết thúc vào lúc … giờ … phút cùng ngày.' },
      { path: 'closing', text: 'Biên bản đã được thông qua trước các thành viên dự họp và được lập thành … bản có giá trị như nhau.' },
    ]);
  });

  it('counts three dots typed by hand as a blank, and finds none once everything is filled in', () => {
    const sections = buildSkeleton(input({ meeting: { ...input().meeting, endedAt: '2026-11-27T04:05:00.000Z' } }));
    const filled = sections.map((section) =>
      section.id === 'item-a2-1' || section.id === 'closing' ? { ...section, doc: { type: 'doc' as const, content: [{ type: 'paragraph' as const, content: [{ type: 'text' as const, text: 'Đã điền đủ.' }] }] } } : section,
    );
    expect(minutesBlanks(minutesOf(filled))).toEqual([]);
    const dotted = filled.map((section) =>
      section.id === 'closing' ? { ...section, doc: { type: 'doc' as const, content: [{ type: 'paragraph' as const, content: [{ type: 'text' as const, text: 'Lập thành ... bản.' }] }] } } : section,
    );
    expect(minutesBlanks(minutesOf(dotted))).toEqual([{ path: 'closing', text: 'Lập thành ... bản.' }]);
  });
});

describe('minutes status rules', () => {
  it('lets only the secretary edit and submit a draft, only the chair approve or return a submitted one', () => {
    expect(refusal('edit', 'secretary', 'draft')).toBeNull();
    expect(refusal('edit', 'chair', 'draft')).toBe('forbidden');
    expect(refusal('edit', 'delegate', 'draft')).toBe('forbidden');
    expect(refusal('edit', 'secretary', 'submitted')).toBe('wrong_status');
    expect(refusal('edit', 'secretary', 'approved')).toBe('wrong_status');
    expect(refusal('submit', 'secretary', 'draft')).toBeNull();
    expect(refusal('submit', 'secretary', 'submitted')).toBe('wrong_status');
    expect(refusal('approve', 'chair', 'submitted')).toBeNull();
    expect(refusal('approve', 'chair', 'draft')).toBe('wrong_status');
    expect(refusal('approve', 'secretary', 'submitted')).toBe('forbidden');
    expect(refusal('return', 'chair', 'submitted')).toBeNull();
    expect(refusal('return', 'chair', 'approved')).toBe('wrong_status');
  });

  it('locks approved minutes for everyone', () => {
    for (const role of ['chair', 'secretary', 'delegate', 'observer', 'endpoint'] as const) {
      expect(Object.values(permissionsOf(role, 'approved')).some(Boolean)).toBe(false);
    }
  });

  it('shows drafts to the chair and secretary only, approved minutes to every member', () => {
    expect(canRead('delegate', 'draft')).toBe(false);
    expect(canRead('delegate', 'submitted')).toBe(false);
    expect(canRead('delegate', 'approved')).toBe(true);
    expect(canRead('chair', 'draft')).toBe(true);
  });
});

describe('minutes payloads', () => {
  const save = minutesRequests['minutes:saveSection'].request;
  const base = { meetingId: 'm1', sectionId: 's1', baseRevision: 0 };

  it('accepts what the editor produces and drops attributes it does not know', () => {
    const parsed = save.parse({
      ...base,
      doc: { type: 'doc', content: [{ type: 'heading', attrs: { level: 2, id: 'x' }, content: [{ type: 'text', text: 'Kết luận', marks: [{ type: 'bold' }] }] }] },
    });
    expect(parsed.doc.content?.[0]?.attrs).toEqual({ level: 2 });
  });

  it('refuses links, scripts, unknown nodes, a non-doc root and absurd nesting', () => {
    const bad = [
      { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] }] }] },
      { type: 'doc', content: [{ type: 'html', text: '<script>alert(1)</script>' }] },
      { type: 'paragraph', content: [] },
      { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] },
    ];
    for (const doc of bad) expect(save.safeParse({ ...base, doc }).success).toBe(false);
    let deep: Record<string, unknown> = { type: 'paragraph' };
    for (let level = 0; level < 5000; level++) deep = { type: 'blockquote', content: [deep] };
    expect(save.safeParse({ ...base, doc: { type: 'doc', content: [deep] } }).success).toBe(false);
    let justDeepEnough: Record<string, unknown> = { type: 'paragraph' };
    for (let level = 0; level < MAX_RICH_DEPTH - 2; level++) justDeepEnough = { type: 'blockquote', content: [justDeepEnough] };
    expect(save.safeParse({ ...base, doc: { type: 'doc', content: [justDeepEnough] } }).success).toBe(true);
  });
});

describe('minutes PDF layout', () => {
  it('writes dates as Decree 30 does (leading zero for days below 10 and months 1 and 2)', () => {
    expect(vietnameseDate('2026-02-04T03:00:00.000Z')).toBe('ngày 04 tháng 02 năm 2026');
    expect(vietnameseDate('2026-11-27T03:00:00.000Z')).toBe('ngày 27 tháng 11 năm 2026');
    expect(vietnameseDate('2026-03-09T03:00:00.000Z')).toBe('ngày 09 tháng 3 năm 2026');
  });

  it('derives the issuing body and place from the chair\'s unit', () => {
    expect(defaultHeading({ id: 'p', name: 'Tỉnh Hòa Bình', level: 'province', parentId: null })).toEqual({
      issuingBody: 'ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH',
      number: '',
      place: 'Hòa Bình',
    });
  });

  it('has the national title, the motto underlined, the number, the dated place in italics and both signatures', () => {
    const minutes: Minutes = {
      meetingId: 'm1',
      status: 'approved',
      revision: 3,
      heading: { issuingBody: 'ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH', number: '12/BB-UBND', place: 'Hòa Bình' },
      sections: buildSkeleton(input()),
      updatedAt: '2026-11-27T09:00:00.000Z',
      updatedBy: 'u-chair',
      submittedAt: '2026-11-27T08:00:00.000Z',
      approvedAt: '2026-11-27T09:00:00.000Z',
      approvedBy: 'u-chair',
      pdfSha256: null,
    };
    const definition = JSON.stringify(minutesDocument(minutes, { title: 'Họp UBND tỉnh' }, { chair: 'Nguyễn Văn Hùng', secretary: 'Trần Thị Mai' }));
    expect(definition).toContain('"text":"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"');
    expect(definition).toContain('"text":"Độc lập - Tự do - Hạnh phúc","bold":true,"fontSize":13,"decoration":"underline"');
    expect(definition).toContain('"text":"Số: 12/BB-UBND"');
    expect(definition).toContain('"text":"Hòa Bình, ngày 27 tháng 11 năm 2026","italics":true');
    expect(definition).toContain('"text":"BIÊN BẢN"');
    expect(definition).toMatch(/"THƯ KÝ".*"Trần Thị Mai".*"CHỦ TRÌ".*"Nguyễn Văn Hùng"/);
    expect(definition).toContain('"subset":"PDF/A-2b"');
  });
});
