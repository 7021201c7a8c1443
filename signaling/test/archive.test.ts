import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ArchiveSearchQuery, DEFAULT_QUORUM, DossierManifest } from '@ehop/protocol';
import { ArchiveIndex } from '../src/archive/archive-index.js';
import type { ArchiveRecord } from '../src/archive/archive-repository.js';
import { matchingSentence } from '../src/archive/match-snippet.js';
import { foldDiacritics, searchTerms } from '../src/archive/search-text.js';
import { collectDossier } from '../src/archive/dossier/dossier-builder.js';
import { bytesItem, type DossierContext, type DossierItem, type DossierProvider } from '../src/archive/dossier/dossier-item.js';
import { safeFileName, uniqueNames } from '../src/archive/dossier/file-names.js';
import { buildManifest } from '../src/archive/dossier/manifest.js';
import { canSeeDocument, mayTakeDocumentFile } from '../src/documents/document-access.js';
import type { StoredDocument } from '../src/documents/document-repository.js';
import type { StoredMeeting } from '../src/meetings/meeting-repository.js';
import { mayAccessRecordings } from '../src/recordings/recording-access.js';

type RecordInput = Partial<Omit<ArchiveRecord, 'minutesTerms' | 'documentsTerms'>> & { minutesText?: string; documentsText?: string };

/** A record as the archive stores it: the texts as their distinct folded words. */
function record(meetingId: string, { minutesText = '', documentsText = '', ...overrides }: RecordInput = {}): ArchiveRecord {
  return {
    meetingId,
    title: `Cuộc họp ${meetingId}`,
    startsAt: '2026-03-10T01:00:00.000Z',
    location: 'Phòng họp',
    archivedAt: '2026-03-10T05:00:00.000Z',
    units: [{ id: 'tinh', name: 'UBND tỉnh' }],
    minutesTerms: searchTerms(minutesText).join(' '),
    documentsTerms: searchTerms(documentsText).join(' '),
    ...overrides,
  };
}

const query = (input: Record<string, string>) => ArchiveSearchQuery.parse(input);
const ids = (index: ArchiveIndex, input: Record<string, string>, visible: Set<string> | null = null) =>
  index.find(query(input), visible).records.map((found) => found.meetingId);

describe('Vietnamese folding', () => {
  it('removes tone marks and vowel marks, and reads đ as d', () => {
    expect(foldDiacritics('Chuyển đổi số ĐỒNG Ý')).toBe('chuyen doi so dong y');
    // Decomposed input (as some keyboards and PDFs produce it) folds the same way.
    expect(foldDiacritics('chuyển'.normalize('NFD'))).toBe('chuyen');
  });

  it('keeps each folded word once', () => {
    expect(searchTerms('Số 12/QĐ-UBND: số liệu, SỐ LIỆU')).toEqual(['so', '12', 'qd', 'ubnd', 'lieu']);
  });

});

describe('the sentence that matched', () => {
  const marked = (snippet: { text: string; marks: { start: number; end: number }[] } | null) =>
    snippet?.marks.map((mark) => snippet.text.slice(mark.start, mark.end));

  it('quotes the whole sentence in its original spelling, the words found without diacritics marked', () => {
    const text = 'Mở đầu. Kế hoạch chuyển đổi số của tỉnh năm 2027 được thông qua. Phần tiếp theo.';
    const snippet = matchingSentence([text], ['chuyen', 'doi']);
    expect(snippet?.text).toBe('Kế hoạch chuyển đổi số của tỉnh năm 2027 được thông qua.');
    expect(marked(snippet)).toEqual(['chuyển', 'đổi']);
    expect(matchingSentence([text], ['khongco'])).toBeNull();
  });

  it('picks the sentence with the most query words, not the first that has one of them', () => {
    const text = 'Kênh thông tin của tỉnh được nâng cấp.\n\nPhương án nạo vét kênh mương nội đồng\nKinh phí dự kiến: 1,2 tỷ đồng';
    const snippet = matchingSentence([text], ['nao', 'vet', 'kenh', 'muong']);
    // A single line break (a PDF's line) does not end a sentence; a blank line does.
    expect(snippet?.text).toBe('Phương án nạo vét kênh mương nội đồng Kinh phí dự kiến: 1,2 tỷ đồng');
    expect(marked(snippet)).toEqual(['nạo', 'vét', 'kênh', 'mương']);
  });

  it('marks the whole word a query word begins, once, and takes the minutes before the documents on a tie', () => {
    const snippet = matchingSentence(['Biên bản: thống nhất chủ trương.', 'Tài liệu: thống kê dân số.'], ['thong']);
    expect(snippet?.text).toBe('Biên bản: thống nhất chủ trương.');
    expect(marked(snippet)).toEqual(['thống']);
    expect(marked(matchingSentence(['Kênh mương.'], ['ke', 'kenh']))).toEqual(['Kênh']);
    // The documents win when only they have every word.
    expect(matchingSentence(['Thống nhất.', 'Thống kê dân số.'], ['thong', 'ke'])?.text).toBe('Thống kê dân số.');
  });

  it('cuts a long sentence around its first match at word boundaries, saying so with "…"', () => {
    const filler = 'lorem ipsum dolor sit amet '.repeat(20);
    const snippet = matchingSentence([`${filler}giải ngân vốn đầu tư công ${filler}.`], ['giai', 'ngan']);
    expect(snippet!.text.length).toBeLessThanOrEqual(242);
    expect(snippet!.text.startsWith('…')).toBe(true);
    expect(snippet!.text.endsWith('…')).toBe(true);
    expect(snippet!.text).toMatch(/^…\S/);
    expect(marked(snippet)).toEqual(['giải', 'ngân']);
  });

  it('collapses line breaks and spaces, the marks moving with the text', () => {
    const snippet = matchingSentence(['Trung   tâm\ndữ    liệu của tỉnh.'], ['du', 'lieu']);
    expect(snippet?.text).toBe('Trung tâm dữ liệu của tỉnh.');
    expect(marked(snippet)).toEqual(['dữ', 'liệu']);
  });
});

describe('archive index', () => {
  const index = new ArchiveIndex();
  index.load([
    record('a', { title: 'Họp chuyên đề chuyển đổi số', startsAt: '2026-01-05T02:00:00.000Z' }),
    record('b', { documentsText: 'Báo cáo giải ngân vốn đầu tư công', units: [{ id: 'huyen', name: 'UBND huyện' }], startsAt: '2026-02-05T02:00:00.000Z' }),
    record('c', { minutesText: 'Kết luận: đẩy mạnh chuyển đổi số trong cải cách hành chính', startsAt: '2026-03-05T02:00:00.000Z' }),
  ]);

  it('finds "chuyen doi so" in titles and minutes written "chuyển đổi số", title matches first', () => {
    expect(ids(index, { q: 'chuyen doi so' })).toEqual(['a', 'c']);
    expect(ids(index, { q: 'chuyển đổi số' })).toEqual(['a', 'c']);
    expect(ids(index, { q: 'CHUYEN DOI SO' })).toEqual(['a', 'c']);
  });

  it('needs every word, and completes the last one as typed', () => {
    expect(ids(index, { q: 'giai ngan' })).toEqual(['b']);
    expect(ids(index, { q: 'giai ngan von dau t' })).toEqual(['b']);
    expect(ids(index, { q: 'giai ngan chuyen' })).toEqual([]);
  });

  it('searches only titles when asked', () => {
    expect(ids(index, { q: 'chuyen doi so', scope: 'title' })).toEqual(['a']);
  });

  it('filters by unit and by Vietnam calendar days', () => {
    expect(ids(index, { unitId: 'huyen' })).toEqual(['b']);
    expect(ids(index, { from: '2026-02-01', to: '2026-02-28' })).toEqual(['b']);
    // 2026-01-05T02:00Z is 09:00 on the 5th in Vietnam: the 5th includes it, the 4th does not.
    expect(ids(index, { to: '2026-01-05' })).toEqual(['a']);
    expect(ids(index, { to: '2026-01-04' })).toEqual([]);
  });

  it('lists newest first without words, and only the meetings the caller may see', () => {
    expect(ids(index, {})).toEqual(['c', 'b', 'a']);
    expect(ids(index, { q: 'chuyen doi so' }, new Set(['c']))).toEqual(['c']);
    expect(index.unitsOf(new Set(['a'])).map((unit) => unit.id)).toEqual(['tinh']);
  });

  it('hands back the folded words of the query, for the snippets', () => {
    expect(index.find(query({ q: 'Cải cách' }), null).terms).toEqual(['cai', 'cach']);
    expect(index.find(query({ q: 'Cải cách', scope: 'title' }), null).terms).toEqual([]);
  });

  it('replaces a meeting re-archived with new text', () => {
    const copy = new ArchiveIndex();
    copy.load([record('x')]);
    copy.upsert(record('x', { minutesText: 'phê duyệt quy hoạch' }));
    expect(copy.size).toBe(1);
    expect(ids(copy, { q: 'quy hoach' })).toEqual(['x']);
  });
});

describe('search query', () => {
  it('refuses unknown fields, bad dates, a reversed range and over-long text', () => {
    for (const bad of [{ foo: '1' }, { from: '2026-13' }, { from: '2026-03-02', to: '2026-03-01' }, { q: 'x'.repeat(201) }, { limit: '0' }]) {
      expect(ArchiveSearchQuery.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

const meeting: StoredMeeting = {
  id: 'm1',
  title: 'Họp UBND',
  startsAt: '2026-03-10T01:00:00.000Z',
  location: 'Phòng 1',
  status: 'ended',
  endedAt: '2026-11-27T04:00:00.000Z',
  members: [
    { userId: 'u-chair', role: 'chair' },
    { userId: 'u-delegate', role: 'delegate' },
  ],
  organizerId: null,
  invitedUnitIds: [],
  quorum: DEFAULT_QUORUM,
};

/** A confidential document is the one kind of part a provider lists but withholds. */
function fileItem(title: string, confidential: boolean, fileName = 'tai-lieu/a.pdf'): DossierItem {
  return {
    kind: 'document',
    title,
    fileName,
    mediaType: 'application/pdf',
    sizeBytes: 10,
    sha256: 'a'.repeat(64),
    confidential,
    withheld: confidential,
    documentId: 'd1',
    content: { type: 'file', path: '/nowhere' },
  };
}

const provider = (items: DossierItem[]): DossierProvider => ({ kind: 'document', items: async () => items });
const context = (role: DossierContext['role']): DossierContext => ({ meeting, role, people: new Map() });

describe('dossier', () => {
  it('hands over what the providers allow and lists what they withhold', async () => {
    const collected = await collectDossier([provider([fileItem('Công khai', false), fileItem('Mật', true, 'tai-lieu/b.pdf')])], context('delegate'));
    expect(collected.items.map((item) => item.title)).toEqual(['Công khai', 'Mật']);
    expect(collected.exported.map((item) => item.title)).toEqual(['Công khai']);
    expect(collected.withheld.map((item) => item.title)).toEqual(['Mật']);
  });

  it('gives two files of the same name distinct names in the ZIP', async () => {
    const collected = await collectDossier([provider([fileItem('A', false), fileItem('A', false)])], context('chair'));
    expect(collected.items.map((item) => item.fileName)).toEqual(['tai-lieu/a.pdf', 'tai-lieu/a (2).pdf']);
    expect(uniqueNames(['x.csv', 'X.csv', 'x.csv'])).toEqual(['x.csv', 'X (2).csv', 'x (3).csv']);
  });

  it('makes file names safe without losing the Vietnamese', () => {
    expect(safeFileName('../Báo cáo: quý I/2026', '.pdf', 'tai-lieu')).toBe('Báo cáo quý I 2026.pdf');
    expect(safeFileName('***', '.pdf', 'tai-lieu')).toBe('tai-lieu.pdf');
  });
});

describe('one access rule per file, shared by the routes and the dossier', () => {
  const document = (overrides: Partial<StoredDocument>): StoredDocument => ({
    id: 'd1', meetingId: 'm1', agendaItemId: null, title: 'T', fileName: 't.pdf', sourceType: 'pdf', pageCount: 1, sizeBytes: 1,
    confidential: false, published: true, uploadedBy: { userId: 'u-chair', displayName: 'C' }, uploadedAt: '2026-03-10T01:00:00.000Z',
    sha256: 'a'.repeat(64), ...overrides,
  });
  const roles = ['chair', 'secretary', 'delegate', 'endpoint', 'observer', null] as const;
  const allowed = (rule: (role: (typeof roles)[number]) => boolean) => roles.filter(rule);

  it('documents: members take a published one; a confidential one only the chair and the secretary; a draft only they see; non-members nothing', () => {
    expect(allowed((role) => mayTakeDocumentFile(document({}), role))).toEqual(['chair', 'secretary', 'delegate', 'endpoint', 'observer']);
    expect(allowed((role) => canSeeDocument(document({ confidential: true }), role))).toEqual(['chair', 'secretary', 'delegate', 'endpoint', 'observer']);
    expect(allowed((role) => mayTakeDocumentFile(document({ confidential: true }), role))).toEqual(['chair', 'secretary']);
    expect(allowed((role) => canSeeDocument(document({ published: false }), role))).toEqual(['chair', 'secretary']);
    expect(allowed((role) => mayTakeDocumentFile(document({ published: false }), role))).toEqual(['chair', 'secretary']);
  });

  it('recordings: the chair, the secretary and delegates; not endpoints, observers or non-members', () => {
    expect(allowed(mayAccessRecordings)).toEqual(['chair', 'secretary', 'delegate']);
  });
});

describe('manifest', () => {
  it('lists every exported file with its kind, name, size, type and SHA-256, and withheld ones without content facts', () => {
    const csv = bytesItem(
      { kind: 'attendance', title: 'Điểm danh', fileName: 'diem-danh.csv', mediaType: 'text/csv', confidential: false, documentId: null },
      Buffer.from('a,b\r\n'),
    );
    const manifest = buildManifest({
      meeting: { id: 'm1', title: 'Họp', startsAt: meeting.startsAt, location: 'P1', archivedAt: meeting.startsAt, units: [], members: [] },
      exportedBy: { userId: 'u-chair', displayName: 'Chủ trì' },
      exportedAt: new Date('2026-03-11T00:00:00Z'),
      exported: [csv, fileItem('Công khai', false)],
      withheld: [fileItem('Mật', true)],
    });
    expect(DossierManifest.parse(manifest)).toEqual(manifest);
    expect(manifest.items[0]).toEqual({
      kind: 'attendance',
      title: 'Điểm danh',
      fileName: 'diem-danh.csv',
      sizeBytes: 5,
      mediaType: 'text/csv',
      sha256: createHash('sha256').update('a,b\r\n').digest('hex'),
      confidential: false,
    });
    expect(manifest.items).toHaveLength(2);
    expect(manifest.withheld).toEqual([{ kind: 'document', title: 'Mật', reason: 'confidential' }]);
    expect(JSON.stringify(manifest.withheld)).not.toContain('a'.repeat(64));
  });
});
