/**
 * Every date and time the server shows or writes (minutes, CSVs, watermarks, file names,
 * recording titles), in Vietnam's time zone and the form Vietnamese offices write them. The
 * server's own clock and zone never show: a node running in UTC still writes "04/12/2026 00:30"
 * for 2026-12-03T17:30Z.
 */

export const VIETNAM_TIME_ZONE = 'Asia/Ho_Chi_Minh';
/** Vietnam has kept UTC+7 without daylight saving since 1975. */
const VIETNAM_OFFSET_MS = 7 * 3600_000;

type Part = 'day' | 'month' | 'year' | 'hour' | 'minute' | 'second';

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: VIETNAM_TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** The wall clock in Vietnam at `instant`, every field zero-padded. */
function parts(instant: Date | string): Record<Part, string> {
  const formatted = partsFormat.formatToParts(typeof instant === 'string' ? new Date(instant) : instant);
  const get = (type: Part) => formatted.find((part) => part.type === type)?.value ?? '';
  return { day: get('day'), month: get('month'), year: get('year'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** "04/12/2026" */
export function vietnamDate(instant: Date | string): string {
  const { day, month, year } = parts(instant);
  return `${day}/${month}/${year}`;
}

/** "04/12/2026 10:05": the watermark, titles, anything a person reads at a glance. */
export function vietnamDateTime(instant: Date | string): string {
  const { hour, minute } = parts(instant);
  return `${vietnamDate(instant)} ${hour}:${minute}`;
}

/** "04/12/2026 10:05:09": CSV columns, where seconds tell entries apart. */
export function vietnamDateTimeSeconds(instant: Date | string): string {
  return `${vietnamDateTime(instant)}:${parts(instant).second}`;
}

/** "10:05" */
export function clockTime(instant: Date | string): string {
  const { hour, minute } = parts(instant);
  return `${hour}:${minute}`;
}

/** "2026-12-04-1005": for file names (sorts by time, no characters a file system refuses). */
export function fileNameStamp(instant: Date | string): string {
  const { day, month, year, hour, minute } = parts(instant);
  return `${year}-${month}-${day}-${hour}${minute}`;
}

/** "20261204100509": for identifiers that should read as the time they were made. */
export function compactStamp(instant: Date | string): string {
  const { day, month, year, hour, minute, second } = parts(instant);
  return `${year}${month}${day}${hour}${minute}${second}`;
}

/** True when both instants fall on the same day in Vietnam. */
export function sameVietnamDay(a: Date | string, b: Date | string): boolean {
  return vietnamDate(a) === vietnamDate(b);
}

/**
 * "ngày 05 tháng 02 năm 2026", "ngày 27 tháng 11 năm 2026": Decree 30/2020 writes a day below 10
 * and the months 1 and 2 with a leading zero, other months without.
 */
export function vietnameseDate(instant: Date | string): string {
  const { day, month, year } = parts(instant);
  const monthNumber = Number(month);
  return `ngày ${day} tháng ${monthNumber <= 2 ? month : String(monthNumber)} năm ${year}`;
}

/** "08 giờ 30 phút" */
export function vietnameseTime(instant: Date | string): string {
  const { hour, minute } = parts(instant);
  return `${hour} giờ ${minute} phút`;
}

/** "3 phút 05 giây" */
export function spokenDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return minutes > 0 ? `${minutes} phút ${rest} giây` : `${seconds % 60} giây`;
}

/** `hour`:00 in Vietnam on the Vietnamese calendar day of `day`, as an ISO UTC instant. */
export function atVietnamHour(day: Date, hour: number): string {
  const vietnamDay = new Date(day.getTime() + VIETNAM_OFFSET_MS);
  const utc = Date.UTC(vietnamDay.getUTCFullYear(), vietnamDay.getUTCMonth(), vietnamDay.getUTCDate(), hour) - VIETNAM_OFFSET_MS;
  return new Date(utc).toISOString();
}
