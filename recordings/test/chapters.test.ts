import { describe, expect, it } from 'vitest';
import { chaptersOf, ffmetadata } from '../src/chapters.js';

describe('chapters', () => {
  it('makes each agenda item last until the next one, and drops empty ones', () => {
    const chapters = chaptersOf(
      [
        { atMs: 0, title: 'Khai mạc' },
        { atMs: 5000, title: 'Báo cáo' },
        { atMs: 5000, title: 'Thảo luận' },
        { atMs: 20_000, title: 'after the end' },
      ],
      9000,
    );
    expect(chapters).toEqual([
      { startMs: 0, endMs: 5000, title: 'Khai mạc' },
      { startMs: 5000, endMs: 9000, title: 'Thảo luận' },
    ]);
  });

  it('writes an FFMETADATA file with escaped Vietnamese titles', () => {
    const text = ffmetadata('Họp UBND; tháng 11', [{ startMs: 0, endMs: 1500, title: 'Mục 1 = báo cáo #1' }]);
    expect(text).toBe(
      ';FFMETADATA1\ntitle=Họp UBND\\; tháng 11\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=Mục 1 \\= báo cáo \\#1\n',
    );
  });
});
