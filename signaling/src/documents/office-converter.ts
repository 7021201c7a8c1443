import { spawn } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RequestError } from '@ehop/protocol';
import type { Logger } from '../logger.js';

export interface OfficeConverterOptions {
  sofficePath: string;
  /** How many LibreOffice processes may run at once. */
  concurrency: number;
  timeoutMs: number;
  logger: Logger;
}

interface Job {
  inputPath: string;
  workDir: string;
  onStart(): void;
  resolve(pdfPath: string): void;
  reject(error: unknown): void;
}

/**
 * Converts Word, Excel and PowerPoint files to PDF with LibreOffice (`soffice --headless
 * --convert-to pdf`), a few at a time, in arrival order. Each conversion gets its own
 * LibreOffice profile folder: two instances sharing one would lock each other out.
 */
export class OfficeConverter {
  private readonly waiting: Job[] = [];
  private running = 0;

  constructor(private readonly options: OfficeConverterOptions) {}

  /**
   * Queues `inputPath`; `workDir` (a private empty folder) receives the profile and the PDF.
   * `onQueued` is told how many jobs are ahead, `onStart` when LibreOffice starts.
   */
  convert(inputPath: string, workDir: string, hooks: { onQueued(position: number): void; onStart(): void }): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ inputPath, workDir, onStart: hooks.onStart, resolve, reject });
      hooks.onQueued(this.waiting.length - 1);
      this.pump();
    });
  }

  /** Jobs not yet started (for the queue positions shown to uploaders). */
  get queued(): number {
    return this.waiting.length;
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running++;
      job.onStart();
      this.runJob(job)
        .then(job.resolve, job.reject)
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  private async runJob(job: Job): Promise<string> {
    const outDir = join(job.workDir, 'out');
    const profileDir = join(job.workDir, 'profile');
    const args = [
      '--headless',
      '--norestore',
      '--nolockcheck',
      '--nodefault',
      '--nofirststartwizard',
      `-env:UserInstallation=${pathToFileURL(profileDir).href}`,
      '--convert-to',
      'pdf',
      '--outdir',
      outDir,
      job.inputPath,
    ];
    const started = Date.now();
    const { code, output, timedOut } = await this.spawnSoffice(args);
    // The profile is a few MB per job and is never reused.
    await rm(profileDir, { recursive: true, force: true });
    if (timedOut) {
      throw new RequestError('conversion_failed', `Conversion took longer than ${Math.round(this.options.timeoutMs / 1000)} s and was stopped`);
    }
    const pdf = (await readdir(outDir).catch(() => [])).find((name) => name.toLowerCase().endsWith('.pdf'));
    this.options.logger.info({ code, ms: Date.now() - started, ok: Boolean(pdf) }, 'office conversion finished');
    if (code !== 0 || !pdf) {
      this.options.logger.warn({ code, output: output.slice(-2000) }, 'LibreOffice could not convert a file');
      throw new RequestError('conversion_failed', 'LibreOffice could not convert this file to PDF (it may be damaged or protected by a password)');
    }
    return join(outDir, pdf);
  }

  private spawnSoffice(args: string[]): Promise<{ code: number | null; output: string; timedOut: boolean }> {
    return new Promise((resolve, reject) => {
      // Its own process group, so a stuck soffice.bin and everything it started can be killed together.
      const child = spawn(this.options.sofficePath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      let timedOut = false;
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, this.options.timeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot start LibreOffice (${this.options.sofficePath}): ${error.message}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, output, timedOut });
      });
    });
  }
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
