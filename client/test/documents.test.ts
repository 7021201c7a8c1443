import { describe, expect, it } from 'vitest';
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
