import { describe, expect, it } from 'vitest';
import {
  atVietnamHour,
  clockTime,
  compactStamp,
  fileNameStamp,
  sameVietnamDay,
  vietnamDate,
  vietnamDateTime,
  vietnamDateTimeSeconds,
  vietnameseDate,
  vietnameseTime,
} from '../src/format/vietnam-time.js';
import { recordingFileName, recordingId, recordingTitle } from '../src/recordings/recording-names.js';
import { watermarkFor } from '../src/documents/watermark.js';

/*
 * 17:30 UTC on 3 December is 00:30 on 4 December in Vietnam: a formatter that used the server's
 * zone (these tests run in whatever zone the machine has, usually UTC) would write the 3rd.
 */
const PAST_MIDNIGHT_IN_VIETNAM = '2026-12-03T17:30:09.000Z';
const BEFORE_MIDNIGHT_IN_VIETNAM = '2026-12-03T16:59:00.000Z';

describe('Vietnam time, whatever the server clock', () => {
  it('writes dates and times in Vietnam, past midnight there while it is still the day before in UTC', () => {
    expect(vietnamDate(PAST_MIDNIGHT_IN_VIETNAM)).toBe('04/12/2026');
    expect(vietnamDateTime(PAST_MIDNIGHT_IN_VIETNAM)).toBe('04/12/2026 00:30');
    expect(vietnamDateTime(new Date(PAST_MIDNIGHT_IN_VIETNAM))).toBe('04/12/2026 00:30');
    expect(vietnamDateTimeSeconds(PAST_MIDNIGHT_IN_VIETNAM)).toBe('04/12/2026 00:30:09');
    expect(clockTime(PAST_MIDNIGHT_IN_VIETNAM)).toBe('00:30');
    expect(vietnamDateTime(BEFORE_MIDNIGHT_IN_VIETNAM)).toBe('03/12/2026 23:59');
  });

  it('writes the forms of administrative documents (Decree 30) and of file names', () => {
    expect(vietnameseDate(PAST_MIDNIGHT_IN_VIETNAM)).toBe('ngày 04 tháng 12 năm 2026');
    expect(vietnameseDate('2026-02-04T17:30:00.000Z')).toBe('ngày 05 tháng 02 năm 2026');
    expect(vietnameseTime(PAST_MIDNIGHT_IN_VIETNAM)).toBe('00 giờ 30 phút');
    expect(fileNameStamp(PAST_MIDNIGHT_IN_VIETNAM)).toBe('2026-12-04-0030');
    expect(compactStamp(PAST_MIDNIGHT_IN_VIETNAM)).toBe('20261204003009');
  });

  it('tells Vietnamese days apart where UTC would not, and finds an hour of a Vietnamese day', () => {
    expect(sameVietnamDay(BEFORE_MIDNIGHT_IN_VIETNAM, PAST_MIDNIGHT_IN_VIETNAM)).toBe(false);
    expect(sameVietnamDay(PAST_MIDNIGHT_IN_VIETNAM, '2026-12-04T10:00:00.000Z')).toBe(true);
    expect(atVietnamHour(new Date(PAST_MIDNIGHT_IN_VIETNAM), 8)).toBe('2026-12-04T01:00:00.000Z');
  });

  it('names recordings and stamps confidential pages in Vietnam time', () => {
    const record = { title: 'Họp UBND tỉnh', startedAt: PAST_MIDNIGHT_IN_VIETNAM };
    expect(recordingTitle(record)).toBe('Họp UBND tỉnh — ghi hình 04/12/2026 00:30');
    expect(recordingFileName(record)).toBe('ghi-hinh-2026-12-04-0030.mkv');
    expect(recordingId(new Date(PAST_MIDNIGHT_IN_VIETNAM), 'a1b2c3')).toBe('rec-20261204003009-a1b2c3');
    const viewer = { id: 'u-1', displayName: 'Lê Minh Tuấn' };
    expect(watermarkFor(viewer, new Date(PAST_MIDNIGHT_IN_VIETNAM)).lines).toEqual(['Lê Minh Tuấn', 'TÀI LIỆU MẬT · 04/12/2026 00:30']);
  });

  it('keeps one stamped copy per viewer and Vietnam day, whatever minute it is asked for', () => {
    const viewer = { id: 'u-1', displayName: 'Lê Minh Tuấn' };
    const key = (iso: string) => watermarkFor(viewer, new Date(iso)).cacheKey;
    expect(key(PAST_MIDNIGHT_IN_VIETNAM)).toBe(key('2026-12-04T10:00:00.000Z'));
    expect(key(PAST_MIDNIGHT_IN_VIETNAM)).not.toBe(key(BEFORE_MIDNIGHT_IN_VIETNAM));
    expect(key(PAST_MIDNIGHT_IN_VIETNAM)).not.toBe(watermarkFor({ id: 'u-2', displayName: 'Lê Minh Tuấn' }, new Date(PAST_MIDNIGHT_IN_VIETNAM)).cacheKey);
  });
});
