/**
 * Folds Vietnamese text for matching: lower case, diacritics removed (NFD and drop the combining
 * marks), đ -> d. Index and query go through the same fold, so "chuyen doi so" finds
 * "chuyển đổi số" and "chuyển đổi số" finds it too.
 */
export function foldDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replaceAll('đ', 'd')
    .replaceAll('Đ', 'D')
    .toLowerCase();
}

/** Words: runs of letters and digits (punctuation, dashes and spaces separate them). */
export function words(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}

const SNIPPET_RADIUS = 60;

/**
 * A short excerpt of `text` around the first place any of `terms` (already folded) begins a word,
 * in the original spelling. Folding keeps one character per character for Vietnamese letters
 * once recomposed (NFC), so positions in the folded text are positions in the original.
 */
export function snippetAround(text: string, terms: readonly string[]): string | null {
  if (terms.length === 0 || text.length === 0) return null;
  const original = text.normalize('NFC');
  const folded = foldPerCharacter(original);
  let at = -1;
  for (const term of terms) {
    const match = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(term)}`, 'u').exec(folded);
    if (match && (at < 0 || match.index < at)) at = match.index;
  }
  if (at < 0) return null;
  const start = Math.max(0, at - SNIPPET_RADIUS);
  const end = Math.min(original.length, at + SNIPPET_RADIUS * 2);
  const excerpt = original.slice(start, end).replace(/\s+/g, ' ').trim();
  return `${start > 0 ? '…' : ''}${excerpt}${end < original.length ? '…' : ''}`;
}

/** Folds each UTF-16 unit on its own, so the result has exactly the original's length. */
function foldPerCharacter(text: string): string {
  let out = '';
  for (const char of text) {
    const folded = foldDiacritics(char);
    out += folded.length === char.length ? folded : char.toLowerCase().padEnd(char.length).slice(0, char.length);
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
