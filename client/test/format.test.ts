import { describe, expect, it } from 'vitest';
import { avatarHue, formatBytes, formatDateTime, formatDuration, formatMeetingTime, formatTimeOfDay, initials } from '../src/lib/format.js';
import { tileMinWidth } from '../src/lib/grid-layout.js';
import { markedParts } from '../src/lib/marked-text.js';
import { canJoin, sortMeetings } from '../src/lib/meetings.js';
import type { MeetingSummary } from '@ehop/protocol';

describe('initials', () => {
  it('takes the first letters of the family and given name, keeping diacritics', () => {
    expect(initials('Nguyễn Văn An')).toBe('NA');
    expect(initials('Đặng Thị Ánh')).toBe('ĐÁ');
    expect(initials('  trần   bình ')).toBe('TB');
  });

  it('handles one word and empty names', () => {
    expect(initials('Admin')).toBe('AD');
    expect(initials('')).toBe('?');
  });
});

describe('formatMeetingTime', () => {
  const iso = '2026-05-12T01:30:00.000Z'; // 08:30 in Vietnam

  it('writes Vietnamese dates in Vietnamese, in Vietnam time whatever the machine zone', () => {
    const text = formatMeetingTime(iso, 'vi-VN');
    expect(text).toContain('08:30');
    expect(text.toLowerCase()).toContain('thứ ba');
    expect(text).toContain('2026');
  });

  it('writes English dates in English', () => {
    expect(formatMeetingTime(iso, 'en-GB')).toMatch(/Tuesday.*12 May 2026.*08:30/);
  });

  it('can show another zone when asked', () => {
    expect(formatMeetingTime(iso, 'en-GB', 'UTC')).toContain('01:30');
  });

  it('shows an unparsable value as it is rather than "Invalid Date"', () => {
    expect(formatMeetingTime('soon', 'vi-VN')).toBe('soon');
  });
});

describe('times of the meeting, in Vietnam', () => {
  // 17:30 UTC on 3 December is 00:30 on the 4th in Vietnam (and 12:30 on the 3rd in New York).
  const pastMidnightInVietnam = '2026-12-03T17:30:00.000Z';

  it('writes day/month/year and the 24-hour clock of Vietnam, whatever zone the device is in', () => {
    expect(formatDateTime(pastMidnightInVietnam)).toBe('04/12/2026 00:30');
    expect(formatDateTime(new Date(pastMidnightInVietnam))).toBe('04/12/2026 00:30');
    expect(formatTimeOfDay(pastMidnightInVietnam)).toBe('00:30');
    expect(formatDateTime('2026-12-03T16:59:00.000Z')).toBe('03/12/2026 23:59');
  });

  it('keeps an unparsable value as it is', () => {
    expect(formatDateTime('soon')).toBe('soon');
    expect(formatTimeOfDay('soon')).toBe('soon');
  });

  it('writes durations as minutes and seconds, hours only when needed', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65_900)).toBe('1:05');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(-5)).toBe('0:00');
  });
});

describe('avatarHue', () => {
  it('is stable per person and within the colour wheel', () => {
    expect(avatarHue('user-1')).toBe(avatarHue('user-1'));
    expect(avatarHue('user-1')).not.toBe(avatarHue('user-2'));
    expect(avatarHue('x')).toBeGreaterThanOrEqual(0);
    expect(avatarHue('x')).toBeLessThan(360);
  });
});

describe('tileMinWidth', () => {
  it('shrinks tiles as the meeting grows, never growing again', () => {
    const widths = [1, 2, 4, 9, 30, 100].map(tileMinWidth);
    expect([...widths].sort((a, b) => b - a)).toEqual(widths);
    expect(tileMinWidth(100)).toBeLessThanOrEqual(160);
  });
});

describe('sortMeetings', () => {
  const meeting = (id: string, status: MeetingSummary['status'], startsAt: string): MeetingSummary => ({
    id,
    title: id,
    startsAt,
    location: '',
    status,
    endedAt: null,
    myRole: 'delegate',
  });

  it('puts running meetings first, then upcoming soonest first, ended last newest first', () => {
    const sorted = sortMeetings([
      meeting('old', 'ended', '2026-01-01T00:00:00Z'),
      meeting('later', 'published', '2026-06-02T00:00:00Z'),
      meeting('recent', 'ended', '2026-03-01T00:00:00Z'),
      meeting('now', 'in_progress', '2026-05-01T00:00:00Z'),
      meeting('soon', 'published', '2026-06-01T00:00:00Z'),
    ]);
    expect(sorted.map((m) => m.id)).toEqual(['now', 'soon', 'later', 'recent', 'old']);
  });

  it('offers joining until the meeting has ended', () => {
    expect(canJoin({ status: 'in_progress' })).toBe(true);
    expect(canJoin({ status: 'published' })).toBe(true);
    expect(canJoin({ status: 'ended' })).toBe(false);
  });
});

describe('formatBytes', () => {
  it('shows sizes in decimal units in the reader’s language', () => {
    expect(formatBytes(850, 'vi-VN')).toBe('850 B');
    expect(formatBytes(12_400, 'vi-VN')).toBe('12,4 kB');
    expect(formatBytes(3_100_000, 'en-US')).toBe('3.1 MB');
    expect(formatBytes(250_000_000, 'en-US')).toBe('250 MB');
  });
});

describe('marked text (the archive snippet)', () => {
  it('splits a text at its marks, in order', () => {
    expect(markedParts('Phương án nạo vét kênh', [{ start: 10, end: 13 }, { start: 14, end: 17 }])).toEqual([
      { text: 'Phương án ', marked: false },
      { text: 'nạo', marked: true },
      { text: ' ', marked: false },
      { text: 'vét', marked: true },
      { text: ' kênh', marked: false },
    ]);
    expect(markedParts('kênh', [{ start: 0, end: 4 }])).toEqual([{ text: 'kênh', marked: true }]);
    expect(markedParts('kênh', [])).toEqual([{ text: 'kênh', marked: false }]);
  });

  it('skips marks out of range or overlapping an earlier one', () => {
    expect(markedParts('abc def', [{ start: 0, end: 3 }, { start: 2, end: 5 }, { start: 4, end: 99 }])).toEqual([
      { text: 'abc', marked: true },
      { text: ' def', marked: false },
    ]);
  });
});
