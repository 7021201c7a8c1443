import { describe, expect, it } from 'vitest';
import en from '../src/i18n/en.json';
import vi from '../src/i18n/vi.json';
import { isSupportedLocale, storedLocale, intlLocale } from '../src/i18n/index.js';
import { allErrorCodes } from '../src/lib/errors.js';

type Dictionary = { [key: string]: string | Dictionary };

function flatten(dictionary: Dictionary, prefix = ''): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(dictionary)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') entries.set(path, value);
    else for (const [nested, text] of flatten(value, path)) entries.set(nested, text);
  }
  return entries;
}

const viKeys = flatten(vi);
const enKeys = flatten(en);

/** ICU placeholders such as {count} must be the same in both languages. */
function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)/g)].map((match) => match[1]!).sort();
}

describe('locales', () => {
  it('every Vietnamese key exists in English', () => {
    expect([...viKeys.keys()].filter((key) => !enKeys.has(key))).toEqual([]);
  });

  it('every English key exists in Vietnamese', () => {
    expect([...enKeys.keys()].filter((key) => !viKeys.has(key))).toEqual([]);
  });

  it('has no empty texts', () => {
    for (const [key, text] of [...viKeys, ...enKeys]) expect(text.trim(), key).not.toBe('');
  });

  it('uses the same placeholders in both languages', () => {
    for (const [key, text] of viKeys) expect(placeholders(enKeys.get(key) ?? ''), key).toEqual(placeholders(text));
  });

  it('translates every error code the server or the browser can report', () => {
    for (const code of allErrorCodes) {
      expect(viKeys.has(`errors.${code}`), `vi errors.${code}`).toBe(true);
      expect(enKeys.has(`errors.${code}`), `en errors.${code}`).toBe(true);
    }
  });

  it('writes Vietnamese with its diacritics', () => {
    expect(viKeys.get('meetings.title')).toBe('Cuộc họp của tôi');
    expect(viKeys.get('prejoin.join')).toBe('Tham gia');
    expect(viKeys.get('controls.leave')).toBe('Rời cuộc họp');
    expect(viKeys.get('levels.province')).toBe('Tỉnh');
    expect(viKeys.get('levels.district')).toBe('Huyện');
    expect(viKeys.get('levels.commune')).toBe('Xã');
  });

  it('covers every role, status and unit level of the protocol', async () => {
    const { MeetingRole, MeetingStatus, UnitLevel } = await import('@ehop/protocol');
    const expected = [
      ...MeetingRole.options.map((role) => `roles.${role}`),
      ...MeetingStatus.options.map((status) => `status.${status}`),
      ...UnitLevel.options.map((level) => `levels.${level}`),
    ];
    for (const key of expected) {
      expect(viKeys.has(key), key).toBe(true);
      expect(enKeys.has(key), key).toBe(true);
    }
  });
});

describe('language choice', () => {
  const storage = (value: string | null) => ({ getItem: () => value });

  it('defaults to Vietnamese', () => {
    expect(storedLocale(storage(null))).toBe('vi');
    expect(storedLocale(undefined)).toBe('vi');
  });

  it('remembers English', () => {
    expect(storedLocale(storage('en'))).toBe('en');
  });

  it('ignores an unknown stored value', () => {
    expect(storedLocale(storage('fr'))).toBe('vi');
    expect(isSupportedLocale('fr')).toBe(false);
  });

  it('survives a storage that throws (disabled by policy)', () => {
    expect(storedLocale({ getItem: () => { throw new Error('denied'); } })).toBe('vi');
  });

  it('formats dates the Vietnamese way unless English is chosen', () => {
    expect(intlLocale('vi')).toBe('vi-VN');
    expect(intlLocale('en')).toBe('en-GB');
    expect(intlLocale(null)).toBe('vi-VN');
  });
});
