import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** A scanned 300-page PDF has no text and a huge one could have megabytes: the index keeps the start. */
const MAX_TEXT_CHARS = 200_000;
const PDFTOTEXT_TIMEOUT_MS = 60_000;

/**
 * The text of stored PDFs (poppler's pdftotext), cached on disk next to the blobs by the PDF's
 * SHA-256: a file's text is extracted once, however many meetings or re-archivings use it.
 */
export class DocumentTextExtractor {
  private readonly dir: string;

  constructor(cacheDir: string, private readonly pdftotextPath = 'pdftotext') {
    this.dir = join(cacheDir, 'text');
  }

  async textOf(pdfPath: string, sha256: string): Promise<string> {
    const cached = join(this.dir, `${sha256}.txt`);
    const hit = await readFile(cached, 'utf8').catch(() => null);
    if (hit !== null) return hit;
    const { stdout } = await run(this.pdftotextPath, ['-enc', 'UTF-8', '-q', pdfPath, '-'], {
      maxBuffer: 64 * 1024 * 1024,
      timeout: PDFTOTEXT_TIMEOUT_MS,
    });
    const text = stdout.replace(/\f/g, '\n').slice(0, MAX_TEXT_CHARS);
    await mkdir(this.dir, { recursive: true });
    // Written aside and renamed: another node sharing DATA_DIR never reads half a cache file.
    const partial = `${cached}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(partial, text);
    await rename(partial, cached);
    return text;
  }
}
