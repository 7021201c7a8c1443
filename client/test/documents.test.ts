import { describe, expect, it } from 'vitest';
import type { DocumentInfo } from '@ehop/protocol';
import { documentPatch } from '../src/lib/documents/document-edit.js';
import { normalize } from '../src/lib/documents/text-search.js';
import { parseRoute, routeHash } from '../src/lib/router.js';

describe('documents route', () => {
  it('parses and builds the meeting documents address', () => {
    expect(parseRoute('#/meetings/demo-ubnd-tinh/documents')).toEqual({ name: 'documents', meetingId: 'demo-ubnd-tinh' });
    expect(routeHash({ name: 'documents', meetingId: 'demo-ubnd-tinh' })).toBe('#/meetings/demo-ubnd-tinh/documents');
    expect(parseRoute('#/meetings/demo-ubnd-tinh')).toEqual({ name: 'meeting', meetingId: 'demo-ubnd-tinh' });
  });
});

describe('search text normalisation', () => {
  it('matches Vietnamese whether precomposed or with combining marks, ignoring case', () => {
    const precomposed = 'Nghị quyết'.normalize('NFC');
    const combining = 'NGHỊ QUYẾT'.normalize('NFD');
    expect(normalize(combining)).toBe(normalize(precomposed));
  });

  it('keeps the diacritics: "hoa" is not "hòa"', () => {
    expect(normalize('Hòa Bình').includes(normalize('hoa'))).toBe(false);
  });
});

describe('documents texts', () => {
  it('uses the words the issue asks for, with diacritics', async () => {
    const vi = (await import('../src/i18n/vi.json')).default;
    expect(vi.documents.follow.browse).toBe('Tự xem');
    expect(vi.documents.follow.follow).toBe('Theo người trình bày');
    expect(vi.errors.file_too_large).toMatch(/Tệp quá lớn/);
  });
});

describe('editing a document', () => {
  const document: DocumentInfo = {
    id: 'd-1',
    meetingId: 'm-1',
    agendaItemId: 'a-1',
    title: 'bao-cao-cntt',
    fileName: 'bao-cao-cntt.docx',
    sourceType: 'word',
    pageCount: 3,
    sizeBytes: 1000,
    confidential: false,
    published: false,
    uploadedBy: { userId: 'u-thuky', displayName: 'Trần Thị Mai' },
    uploadedAt: '2026-04-01T01:00:00.000Z',
  };
  const unchanged = { title: 'bao-cao-cntt', agendaItemId: 'a-1', published: false };

  it('sends only what changed: a new title (trimmed), another agenda item or none, publishing', () => {
    expect(documentPatch(document, { ...unchanged, title: '  Báo cáo CNTT quý I ' })).toEqual({ title: 'Báo cáo CNTT quý I' });
    expect(documentPatch(document, { ...unchanged, agendaItemId: 'a-2' })).toEqual({ agendaItemId: 'a-2' });
    expect(documentPatch(document, { ...unchanged, agendaItemId: null })).toEqual({ agendaItemId: null });
    expect(documentPatch(document, { ...unchanged, published: true })).toEqual({ published: true });
  });

  it('sends nothing when nothing changed, and never an empty title', () => {
    expect(documentPatch(document, unchanged)).toBeNull();
    expect(documentPatch(document, { ...unchanged, title: '   ' })).toBeNull();
  });
});
