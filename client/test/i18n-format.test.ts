import { get } from 'svelte/store';
import { _, addMessages, init, locale } from 'svelte-i18n';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../src/i18n/en.json';
import vi from '../src/i18n/vi.json';

type Dictionary = { [key: string]: string | Dictionary };

function keys(dictionary: Dictionary, prefix = ''): string[] {
  return Object.entries(dictionary).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keys(value, `${prefix}${key}.`),
  );
}

/** A value for every placeholder of the message: `count` a number, any other a word. */
function sampleValues(key: string): Record<string, number | string> {
  const text = key.split('.').reduce<unknown>((node, part) => (node as Dictionary)[part], vi) as string;
  const names = [...text.matchAll(/\{(\w+)/g)].map((match) => match[1]!);
  return Object.fromEntries([['count', 2], ['name', 'An'], ...names.filter((name) => name !== 'count').map((name) => [name, 'X'])]);
}

/** Formats messages through svelte-i18n itself, as the components do. */
async function translate(lang: 'vi' | 'en', key: string, values?: Record<string, number | string>): Promise<string> {
  await locale.set(lang);
  return get(_)(key, values ? { values } : undefined);
}

describe('messages', () => {
  beforeAll(() => {
    addMessages('vi', vi);
    addMessages('en', en);
    init({ fallbackLocale: 'vi', initialLocale: 'vi' });
  });

  it('every message is valid ICU and formats in both languages', async () => {
    for (const lang of ['vi', 'en'] as const) {
      for (const key of keys(vi)) {
        const text = await translate(lang, key, sampleValues(key));
        expect(text, `${lang} ${key}`).not.toBe(key);
        expect(text, `${lang} ${key}`).not.toMatch(/\{|\}/);
      }
    }
  });

  it('counts in English with singular and plural', async () => {
    expect(await translate('en', 'room.presence', { endpoints: 1, people: 1 })).toBe('1 endpoint · 1 person connected');
    expect(await translate('en', 'room.presence', { endpoints: 78, people: 3 })).toBe('78 endpoints · 3 people connected');
  });

  it('counts in Vietnamese without plural forms', async () => {
    expect(await translate('vi', 'room.presence', { endpoints: 78, people: 3 })).toBe('78 điểm cầu · 3 người đang kết nối');
    expect(await translate('vi', 'prejoin.members', { count: 120 })).toBe('120 thành viên được mời');
  });
});

describe('conference messages', () => {
  it('tells a requester their place and the chair the speaking time, in both languages', async () => {
    expect(await translate('vi', 'floor.myPlace', { position: 2 })).toBe('Bạn đang ở vị trí thứ 2 trong danh sách đăng ký');
    expect(await translate('en', 'floor.minutes', { count: 1 })).toBe('1 minute');
    expect(await translate('en', 'network.troubled', { count: 3 })).toBe('3 endpoints have a poor link');
  });
});
