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
