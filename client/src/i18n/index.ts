import { addMessages, init, locale } from 'svelte-i18n';
import en from './en.json';
import vi from './vi.json';

export const supportedLocales = ['vi', 'en'] as const;
export type SupportedLocale = (typeof supportedLocales)[number];

const DEFAULT_LOCALE: SupportedLocale = 'vi';
const STORAGE_KEY = 'ehop.locale';

export function isSupportedLocale(value: unknown): value is SupportedLocale {
  return typeof value === 'string' && (supportedLocales as readonly string[]).includes(value);
}

/** Vietnamese unless the user picked another language before on this browser. */
export function storedLocale(storage: Pick<Storage, 'getItem'> | undefined): SupportedLocale {
  try {
    const saved = storage?.getItem(STORAGE_KEY);
    return isSupportedLocale(saved) ? saved : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE; // storage can be disabled by policy
  }
}

/** Both dictionaries are tiny, so they are bundled and registered synchronously: no flash of keys. */
export function setupI18n(): void {
  addMessages('vi', vi);
  addMessages('en', en);
  const initial = storedLocale(globalThis.localStorage);
  init({ fallbackLocale: DEFAULT_LOCALE, initialLocale: initial });
  document.documentElement.lang = initial;
}

export function changeLocale(next: SupportedLocale): void {
  void locale.set(next);
  document.documentElement.lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered; the switch still applies to this visit.
  }
}

/** BCP 47 tag for Intl formatting of dates and times. */
export function intlLocale(value: string | null | undefined): string {
  return value === 'en' ? 'en-GB' : 'vi-VN';
}
