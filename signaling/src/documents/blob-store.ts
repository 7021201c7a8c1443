import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Longer than any upload or conversion takes (conversions time out after minutes). */
const ABANDONED_AFTER_MS = 6 * 60 * 60 * 1000;

/**
 * PDFs on disk, named by the SHA-256 of their content: `documents/ab/abcdef….pdf`. The same file
 * uploaded twice is stored once. Files in flight live in `tmp/` on the same file system, so
 * storing one is an atomic rename: a reader never sees half a file.
 */
export class BlobStore {
  readonly documentsDir: string;
  readonly tmpDir: string;
  readonly cacheDir: string;

  constructor(dataDir: string) {
    this.documentsDir = join(dataDir, 'documents');
    this.tmpDir = join(dataDir, 'tmp');
    this.cacheDir = join(dataDir, 'cache');
  }

  async init(): Promise<void> {
    await Promise.all([this.documentsDir, this.tmpDir, this.cacheDir].map((dir) => mkdir(dir, { recursive: true })));
    await this.removeAbandonedWork();
  }

  /**
   * Work folders left by a node that crashed mid-upload. Only old ones: other nodes sharing
   * this DATA_DIR may be receiving files right now.
   */
  private async removeAbandonedWork(): Promise<void> {
    const cutoff = Date.now() - ABANDONED_AFTER_MS;
    for (const name of await readdir(this.tmpDir)) {
      const path = join(this.tmpDir, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtimeMs < cutoff) await rm(path, { recursive: true, force: true });
    }
  }

  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return join(this.documentsDir, sha256.slice(0, 2), `${sha256}.pdf`);
  }

  /** A fresh private folder under tmp/ for one upload or conversion; the caller removes it. */
  async workDir(): Promise<string> {
    const dir = join(this.tmpDir, randomBytes(9).toString('base64url'));
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** Moves a finished PDF into place (or drops it when the same content is already stored). */
  async put(sourcePath: string, sha256: string): Promise<void> {
    const target = this.pathOf(sha256);
    if (await exists(target)) return;
    await mkdir(join(this.documentsDir, sha256.slice(0, 2)), { recursive: true });
    await rename(sourcePath, target);
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
