import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { degrees, PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { User } from '@ehop/protocol';
import { vietnamDate, vietnamDateTime } from '../format/vietnam-time.js';
import { unicodeFont } from './unicode-font.js';

/** What a stamped copy carries, and what makes two copies the same file in the cache. */
export interface Watermark {
  lines: string[];
  /** Copies with the same key (and source) are one file: its text was fixed when it was first made. */
  cacheKey: string;
}

/**
 * Copies of confidential PDFs with the viewer's name stamped across every page. The stamp is
 * part of the page content that is sent, so a screenshot or a saved copy still names its
 * viewer. Copies are cached on disk per (file, text): opening the document again is free.
 */
export class Watermarker {
  private readonly dir: string;
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(cacheDir: string) {
    this.dir = join(cacheDir, 'watermarked');
  }

  /**
   * The path of `sourcePath` (a stored PDF with this SHA-256) stamped with the watermark's lines,
   * or of the copy made earlier under the same cache key: pdf.js reads a file in byte ranges over
   * several requests, and every one must get the same bytes.
   */
  stamped(sourcePath: string, sourceSha256: string, watermark: Watermark): Promise<string> {
    const key = createHash('sha256').update(sourceSha256).update('\n').update(watermark.cacheKey).digest('hex');
    const target = join(this.dir, `${key}.pdf`);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.produce(sourcePath, target, watermark.lines).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async produce(sourcePath: string, target: string, lines: string[]): Promise<string> {
    if (await isFile(target)) return target;
    const pdf = await PDFDocument.load(await readFile(sourcePath), { updateMetadata: false });
    pdf.registerFontkit(fontkit);
    const font = await pdf.embedFont(await unicodeFont('bold'), { subset: true });
    for (const page of pdf.getPages()) stampPage(page, font, lines);
    await mkdir(this.dir, { recursive: true });
    // Written aside and renamed: a concurrent reader never gets half a file.
    const partial = `${target}.${randomBytes(6).toString('hex')}.part`;
    await writeFile(partial, await pdf.save());
    await rename(partial, target);
    return target;
  }
}

/**
 * What a confidential page carries: who is looking, that it is confidential, and when (Vietnam
 * time, "04/12/2026 10:05"). One copy per viewer and Vietnam day: the time is when that day's
 * copy was first made, so the copy's bytes do not change between the range requests of one
 * reading (nor the cache fill up with a copy per minute).
 */
export function watermarkFor(viewer: Pick<User, 'id' | 'displayName'>, now = new Date()): Watermark {
  return {
    lines: [viewer.displayName, `TÀI LIỆU MẬT · ${vietnamDateTime(now)}`],
    cacheKey: [viewer.id, viewer.displayName, vietnamDate(now)].join('\n'),
  };
}

/** Three diagonal rows across the page, light enough to read the page through them. */
export function stampPage(page: PDFPage, font: PDFFont, lines: string[]): void {
  const { width, height } = page.getSize();
  const size = Math.max(12, Math.min(width, height) / 22);
  const color = rgb(0.75, 0.1, 0.1);
  const angle = Math.PI / 6;
  const lineHeight = size * 1.3;
  for (const fraction of [0.2, 0.5, 0.8]) {
    lines.forEach((line, index) => {
      const textWidth = font.widthOfTextAtSize(line, size);
      // Centred on the row, each further line one line-height below the previous, across the slant.
      const x = width / 2 - (textWidth / 2) * Math.cos(angle) + index * lineHeight * Math.sin(angle);
      const y = height * fraction - (textWidth / 2) * Math.sin(angle) - index * lineHeight * Math.cos(angle);
      page.drawText(line, { x, y, size, font, color, opacity: 0.22, rotate: degrees(30) });
    });
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
