/** Dates and times as Vietnamese administrative documents write them, in Vietnam's time zone. */

const TIME_ZONE = 'Asia/Ho_Chi_Minh';

function parts(iso: string): Record<'day' | 'month' | 'year' | 'hour' | 'minute', string> {
  const formatted = new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: Intl.DateTimeFormatPartTypes) => formatted.find((part) => part.type === type)?.value ?? '';
  return { day: get('day'), month: get('month'), year: get('year'), hour: get('hour'), minute: get('minute') };
}

/**
 * "ngày 05 tháng 02 năm 2026", "ngày 27 tháng 11 năm 2026": Decree 30/2020 writes a day below 10
 * and the months 1 and 2 with a leading zero, other months without.
 */
export function vietnameseDate(iso: string): string {
  const { day, month, year } = parts(iso);
  const monthNumber = Number(month);
  return `ngày ${day} tháng ${monthNumber <= 2 ? month : String(monthNumber)} năm ${year}`;
}

/** "08 giờ 30 phút" */
export function vietnameseTime(iso: string): string {
  const { hour, minute } = parts(iso);
  return `${hour} giờ ${minute} phút`;
}

/** "08:30" */
export function clockTime(iso: string): string {
  const { hour, minute } = parts(iso);
  return `${hour}:${minute}`;
}

/** "3 phút 05 giây" */
export function spokenDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return minutes > 0 ? `${minutes} phút ${rest} giây` : `${seconds % 60} giây`;
}
