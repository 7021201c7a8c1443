/** Pure presentation helpers (no DOM), shared by components and covered by unit tests. */

/** "NA" for "Nguyễn Văn An": first and last word, as people in Vietnam are addressed by the last. */
export function initials(displayName: string): string {
  const words = displayName.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = words[0]!;
  const last = words[words.length - 1]!;
  const letters = words.length === 1 ? [...first].slice(0, 2).join('') : [...first][0]! + [...last][0]!;
  return letters.toLocaleUpperCase('vi');
}

/**
 * Meetings are scheduled in Vietnam time, and that is how every invitation states them: a laptop
 * set to another zone (a test machine in UTC, a delegate abroad) must not shift "08:00".
 */
export const MEETING_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** A meeting's start in the reader's language, e.g. "lúc 08:30 Thứ Ba, 12 tháng 5, 2026". */
export function formatMeetingTime(iso: string, localeTag: string, timeZone = MEETING_TIME_ZONE): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(localeTag, { dateStyle: 'full', timeStyle: 'short', timeZone }).format(date);
}

type Part = 'day' | 'month' | 'year' | 'hour' | 'minute';

const vietnamParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: MEETING_TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The wall clock in Vietnam at `instant`, zero-padded; null for an unparsable value. */
function partsInVietnam(instant: string | Date): Record<Part, string> | null {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) return null;
  const parts = vietnamParts.formatToParts(date);
  const get = (type: Part) => parts.find((part) => part.type === type)?.value ?? '';
  return { day: get('day'), month: get('month'), year: get('year'), hour: get('hour'), minute: get('minute') };
}

/**
 * "04/12/2026 10:05": a moment as Vietnamese offices write it (day/month/year, 24-hour clock),
 * in Vietnam time, in either language and whatever zone the device is set to.
 */
export function formatDateTime(instant: string | Date): string {
  const parts = partsInVietnam(instant);
  return parts ? `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}` : String(instant);
}

/** "10:05" in Vietnam time (for moments of the meeting's own day). */
export function formatTimeOfDay(instant: string | Date): string {
  const parts = partsInVietnam(instant);
  return parts ? `${parts.hour}:${parts.minute}` : String(instant);
}

/** How long something lasted or is left: "0:45", "20:00", "1:02:03". */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.floor(Math.max(0, ms) / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** A stable hue per person so avatars are told apart without relying on names alone. */
export function avatarHue(seed: string): number {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
  return hash % 360;
}

/** A file size for people: "850 B", "12,4 kB", "3,1 MB" (decimal units, as file managers show them). */
export function formatBytes(bytes: number, localeTag: string): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(localeTag, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}
