import type { ArchiveSnippet } from '@ehop/protocol';
import { foldDiacritics } from './search-text.js';

/** The longest snippet shown; a longer sentence is cut around its first match. */
const SNIPPET_MAX = 240;
/** How far either side of a match the sentence's ends are looked for. */
const SENTENCE_SCAN = 400;
/** Matches of one term looked at: enough to find the sentence with every word, bounded for a huge text. */
const MATCHES_PER_TERM = 200;

/** A Latin letter (Vietnamese ones too, precomposed or folded) or a digit. */
const WORD_CHAR = /[0-9a-z\u00c0-\u024f\u1e00-\u1eff]/;
/** Where a sentence ends: . ! ? … ; before a space, or a blank line (a new paragraph). */
const SENTENCE_END = /[.!?…;](?=\s|$)|\n\s*\n/g;

interface Hit {
  start: number;
  end: number;
  term: number;
}

interface Sentence {
  start: number;
  end: number;
  /** Cut short by the scan, not at a real sentence end. */
  cutBefore: boolean;
  cutAfter: boolean;
  terms: Set<number>;
  hits: Hit[];
}

/**
 * The sentence that matched, for an archive result: of the sentences where a query word (already
 * folded) begins a word, the one with the most different query words, the earliest on a tie,
 * searching `texts` in order (the minutes, then the documents). Quoted in the original spelling,
 * with the matched words marked (`marks` are offsets into `text`), whitespace collapsed, and cut
 * around the first match when longer than a few lines.
 */
export function matchingSentence(texts: readonly string[], terms: readonly string[]): ArchiveSnippet | null {
  let best: { sentence: Sentence; text: string } | null = null;
  for (const raw of texts) {
    if (terms.length === 0 || raw.length === 0) continue;
    const text = raw.normalize('NFC');
    const sentence = bestSentence(text, foldSameLength(text), terms);
    if (sentence && (!best || sentence.terms.size > best.sentence.terms.size)) best = { sentence, text };
    if (best?.sentence.terms.size === terms.length) break;
  }
  return best ? quote(best.text, best.sentence) : null;
}

function bestSentence(text: string, folded: string, terms: readonly string[]): Sentence | null {
  // Hits in text order: a hit inside the sentence found for an earlier one belongs to it.
  const sentences: Sentence[] = [];
  for (const hit of hitsOf(folded, terms).sort((a, b) => a.start - b.start)) {
    let sentence = sentences.at(-1);
    if (!sentence || hit.start >= sentence.end) {
      sentence = { ...sentenceAround(text, hit.start), terms: new Set<number>(), hits: [] };
      sentences.push(sentence);
    }
    sentence.terms.add(hit.term);
    sentence.hits.push(hit);
  }
  let best: Sentence | null = null;
  for (const sentence of sentences) {
    if (!best || sentence.terms.size > best.terms.size || (sentence.terms.size === best.terms.size && sentence.start < best.start)) best = sentence;
  }
  return best;
}

/** Every place a term begins a word, with the end of that word (the whole word is marked). */
function hitsOf(folded: string, terms: readonly string[]): Hit[] {
  const hits: Hit[] = [];
  terms.forEach((term, index) => {
    const pattern = new RegExp(`(?:^|[^0-9a-z\\u00c0-\\u024f\\u1e00-\\u1eff])${escapeRegExp(term)}`, 'g');
    for (let count = 0; count < MATCHES_PER_TERM; count++) {
      const match = pattern.exec(folded);
      if (!match) break;
      const start = match.index + match[0].length - term.length;
      let end = start + term.length;
      while (end < folded.length && WORD_CHAR.test(folded[end]!)) end++;
      hits.push({ start, end, term: index });
    }
  });
  return hits;
}

function sentenceAround(text: string, at: number): Pick<Sentence, 'start' | 'end' | 'cutBefore' | 'cutAfter'> {
  const from = Math.max(0, at - SENTENCE_SCAN);
  let start = from;
  let cutBefore = from > 0;
  for (const match of text.slice(from, at).matchAll(SENTENCE_END)) {
    start = from + match.index + match[0].length;
    cutBefore = false;
  }
  const after = new RegExp(SENTENCE_END.source).exec(text.slice(at, at + SENTENCE_SCAN));
  const end = after ? at + after.index + (after[0].trim() === '' ? 0 : after[0].length) : Math.min(text.length, at + SENTENCE_SCAN);
  return { start, end, cutBefore, cutAfter: !after && end < text.length };
}

/** The sentence as shown: whitespace collapsed (the marks moved with it), cut to `SNIPPET_MAX` around the first match. */
function quote(text: string, sentence: Sentence): ArchiveSnippet {
  let out = '';
  const at: number[] = []; // at[i]: where text[sentence.start + i] landed in `out`
  for (let index = sentence.start; index < sentence.end; index++) {
    const char = text[index]!;
    at.push(out.length);
    if (/\s/.test(char)) {
      if (out.length > 0 && !out.endsWith(' ')) out += ' ';
    } else out += char;
  }
  at.push(out.length);
  const marks = merged(
    sentence.hits.filter((hit) => hit.end <= sentence.end).map((hit) => ({ start: at[hit.start - sentence.start]!, end: at[hit.end - sentence.start]! })),
  );
  out = out.trimEnd();
  let cutBefore = sentence.cutBefore;
  let cutAfter = sentence.cutAfter;
  let from = 0;
  let to = out.length;
  if (out.length > SNIPPET_MAX) {
    from = wordStart(out, Math.max(0, (marks[0]?.start ?? 0) - SNIPPET_MAX / 4));
    to = Math.min(out.length, from + SNIPPET_MAX);
    while (to < out.length && to > from && out[to] !== ' ') to--;
    cutBefore ||= from > 0;
    cutAfter ||= to < out.length;
  }
  // `from` is a word's start and `to` a space or the end: the slice has no space to trim.
  const prefix = cutBefore ? '…' : '';
  const shift = prefix.length - from;
  return {
    text: `${prefix}${out.slice(from, to)}${cutAfter ? '…' : ''}`,
    marks: marks.filter((mark) => mark.start >= from && mark.end <= to).map((mark) => ({ start: mark.start + shift, end: mark.end + shift })),
  };
}

/** In order, one mark per word even when two query words begin it ("ke" and "kenh"). */
function merged(marks: { start: number; end: number }[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const mark of [...marks].sort((a, b) => a.start - b.start)) {
    const last = out.at(-1);
    if (last && mark.start < last.end) last.end = Math.max(last.end, mark.end);
    else out.push({ ...mark });
  }
  return out;
}

/** The start of the word at or after `index` (so a cut never leaves half a word). */
function wordStart(text: string, index: number): number {
  if (index <= 0) return 0;
  const space = text.indexOf(' ', Math.floor(index) - 1);
  return space < 0 ? Math.floor(index) : space + 1;
}

/**
 * The fold, kept aligned with the original: whole when lengths agree (the usual case), else
 * character by character. Vietnamese letters fold to one character each once recomposed (NFC),
 * so positions in the folded text are positions in the original.
 */
function foldSameLength(text: string): string {
  const whole = foldDiacritics(text);
  if (whole.length === text.length) return whole;
  let out = '';
  for (const char of text) {
    const folded = foldDiacritics(char);
    out += folded.length === char.length ? folded : char;
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
