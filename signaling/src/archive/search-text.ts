/*
 * Text matching for the archive. Plain (non-Unicode-property) regular expressions on purpose:
 * with `\p{L}`/`\p{M}` and the `u` flag, folding and splitting 20 MB of minutes and documents
 * took several times longer.
 */

/** Combining marks of Latin script (Vietnamese tones and vowel marks are all in this block). */
const COMBINING_MARKS = /[\u0300-\u036f]+/g;
/** Anything that is not a digit or a Latin letter (with Vietnamese letters, precomposed or not) separates words. */
const SEPARATORS = /[^0-9A-Za-z\u00c0-\u024f\u0300-\u036f\u1e00-\u1eff]+/;

/**
 * Folds Vietnamese text for matching: lower case, diacritics removed (NFD and drop the combining
 * marks), đ -> d. Index and query go through the same fold, so "chuyen doi so" finds
 * "chuyển đổi số" and "chuyển đổi số" finds it too.
 */
export function foldDiacritics(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

/** Words: runs of letters and digits (punctuation, dashes and spaces separate them). */
export function words(text: string): string[] {
  return text.split(SEPARATORS).filter((word) => word.length > 0);
}

/**
 * The distinct folded words of `text`, as the index stores them. Split first, fold each distinct
 * word once: a long report repeats the same few thousand words.
 */
export function searchTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const word of new Set(words(text))) terms.add(foldDiacritics(word));
  return [...terms];
}
