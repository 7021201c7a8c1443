import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Liberation Serif: metric-compatible with Times New Roman (the font Decree 30/2020 asks for),
 * free to embed, with the Vietnamese letters, and packaged by Debian (fonts-liberation2,
 * installed by scripts/install-system-deps.sh). MINUTES_FONT_DIR overrides where it is looked for.
 */
const CANDIDATE_DIRS = [
  process.env['MINUTES_FONT_DIR'],
  '/usr/share/fonts/truetype/liberation2',
  '/usr/share/fonts/truetype/liberation',
].filter((dir): dir is string => typeof dir === 'string' && dir !== '');

export const FONT_FILES = {
  normal: 'LiberationSerif-Regular.ttf',
  bold: 'LiberationSerif-Bold.ttf',
  italics: 'LiberationSerif-Italic.ttf',
  bolditalics: 'LiberationSerif-BoldItalic.ttf',
} as const;

export type FontStyle = keyof typeof FONT_FILES;

let loaded: Promise<Record<FontStyle, Buffer>> | null = null;

/** The four faces, read once per process. */
export function serifFonts(): Promise<Record<FontStyle, Buffer>> {
  loaded ??= load().catch((error: unknown) => {
    loaded = null;
    throw error;
  });
  return loaded;
}

async function load(): Promise<Record<FontStyle, Buffer>> {
  for (const dir of CANDIDATE_DIRS) {
    if (!(await exists(join(dir, FONT_FILES.normal)))) continue;
    const entries = await Promise.all(
      (Object.keys(FONT_FILES) as FontStyle[]).map(async (style) => [style, await readFile(join(dir, FONT_FILES[style]))] as const),
    );
    return Object.fromEntries(entries) as Record<FontStyle, Buffer>;
  }
  throw new Error(`Liberation Serif not found in ${CANDIDATE_DIRS.join(', ')}: install fonts-liberation2`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
