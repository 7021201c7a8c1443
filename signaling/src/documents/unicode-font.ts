import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** Fonts with Vietnamese glyphs, from Debian's fonts-noto-core (or fonts-dejavu-core), best first. */
const FONT_CANDIDATES = {
  bold: ['/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'],
  regular: ['/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'],
} as const;

export type FontWeight = keyof typeof FONT_CANDIDATES;

const loaded = new Map<FontWeight, Promise<Buffer>>();

/**
 * The bytes of a TrueType font that has every Vietnamese letter, to embed in PDFs we write (the
 * PDF standard fonts have no ư, ơ, ạ...). Either weight falls back to the other if it is missing.
 */
export function unicodeFont(weight: FontWeight): Promise<Buffer> {
  const other: FontWeight = weight === 'bold' ? 'regular' : 'bold';
  const path = [...FONT_CANDIDATES[weight], ...FONT_CANDIDATES[other]].find((candidate) => existsSync(candidate));
  if (!path) return Promise.reject(new Error('no font with Vietnamese glyphs: install fonts-noto-core'));
  let bytes = loaded.get(weight);
  if (!bytes) {
    bytes = readFile(path);
    loaded.set(weight, bytes);
  }
  return bytes;
}
