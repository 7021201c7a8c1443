import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readdir, realpath, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RequestError } from '@ehop/protocol';
import type { Logger } from '../logger.js';
import { installDirOf, sandboxedCommand } from './conversion-sandbox.js';
import { writeOfficeProfile } from './office-profile.js';

export interface OfficeConverterOptions {
  sofficePath: string;
  /** bubblewrap, which runs every conversion without network and without the server's files. */
  bwrapPath: string;
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
 * An uploaded file is hostile until proven otherwise: soffice runs in a sandbox with no network
 * and no view of the server's files (conversion-sandbox.ts), with a profile that loads nothing
 * the file links to (office-profile.ts).
 */
export class OfficeConverter {
  private readonly waiting: Job[] = [];
  private running = 0;
  private soffice: Promise<string> | null = null;

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
    const started = Date.now();
    await writeOfficeProfile(profileDir);
    const soffice = await this.resolvedSoffice();
    const mounts = { workDir: job.workDir, inputPath: job.inputPath, installDir: installDirOf(soffice) };
    const command = sandboxedCommand(this.options.bwrapPath, mounts, soffice, sofficeArgs(profileDir, outDir, job.inputPath), process.env);
    const { code, output, timedOut } = await this.spawnSandboxed(command);
    // The profile is a few MB per job and is never reused.
    await rm(profileDir, { recursive: true, force: true });
    if (timedOut) {
      throw new RequestError('conversion_failed', `Conversion took longer than ${Math.round(this.options.timeoutMs / 1000)} s and was stopped`);
    }
    if (/^bwrap: /m.test(output)) {
      this.options.logger.error({ output: output.slice(-2000) }, 'the conversion sandbox (bubblewrap) could not start: no document can be converted');
      throw new RequestError('conversion_failed', 'The document converter is not available on this server; please tell the administrator');
    }
    const pdf = (await readdir(outDir).catch(() => [])).find((name) => name.toLowerCase().endsWith('.pdf'));
    this.options.logger.info({ code, ms: Date.now() - started, ok: Boolean(pdf) }, 'office conversion finished');
    if (code !== 0 || !pdf) {
      this.options.logger.warn({ code, output: output.slice(-2000) }, 'LibreOffice could not convert a file');
      throw new RequestError('conversion_failed', 'LibreOffice could not convert this file to PDF (it may be damaged or protected by a password)');
    }
    return join(outDir, pdf);
  }

  /**
   * soffice's real path, found once: the sandbox shows only /usr and this installation, so a
   * name is looked up in the server's PATH and links are followed to where the program lives.
   */
  private resolvedSoffice(): Promise<string> {
    this.soffice ??= findExecutable(this.options.sofficePath).catch((error: unknown) => {
      this.soffice = null; // installed later: found at the next conversion
      throw error;
    });
    return this.soffice;
  }

  private spawnSandboxed(command: { file: string; args: string[] }): Promise<{ code: number | null; output: string; timedOut: boolean }> {
    return new Promise((resolve, reject) => {
      // Its own process group, so a stuck conversion can be killed as a whole (bwrap's
      // --die-with-parent then takes everything inside the sandbox with it).
      const child = spawn(command.file, command.args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
        reject(new Error(`cannot start the conversion sandbox (${command.file}): ${error.message}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, output, timedOut });
      });
    });
  }
}

function sofficeArgs(profileDir: string, outDir: string, inputPath: string): string[] {
  return [
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
    inputPath,
  ];
}

/** The real path of `program` (a path, or a name looked up in PATH as a shell would). */
async function findExecutable(program: string): Promise<string> {
  const candidates = program.includes('/') ? [program] : (process.env['PATH'] ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, program));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return await realpath(candidate);
    } catch {
      // Not here: the next one.
    }
  }
  throw new Error(`cannot start LibreOffice: ${program} not found`);
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
