import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import { RequestError } from '@ehop/protocol';

const run = promisify(execFile);
const CHECK_TIMEOUT_MS = 60_000;
/** The spec puts `%%EOF` at the very end; a cut-off download or upload loses it. */
const EOF_WINDOW = 1024;

export interface PdfFacts {
  pageCount: number;
}

/**
 * Refuses what a viewer could not show: a PDF that qpdf cannot parse (exit 2), one cut short
 * (no `%%EOF` at the end) or one that needs a password. qpdf's warnings (exit 3) are accepted:
 * plenty of real PDFs have small, recoverable flaws that every viewer tolerates.
 */
export async function checkPdf(path: string): Promise<PdfFacts> {
  if (!(await endsWithEof(path))) throw damaged('The PDF is incomplete (it was cut short)');
  if (await requiresPassword(path)) {
    throw new RequestError('unsupported_file_type', 'Password-protected PDFs cannot be shown; upload it without the password');
  }
  const check = await qpdf(['--check', path]);
  if (check.code !== 0 && check.code !== 3) throw damaged(`The PDF is damaged: ${firstLine(check.stderr)}`);
  const pages = await qpdf(['--show-npages', path]);
  const pageCount = Number.parseInt(pages.stdout.trim(), 10);
  if (pages.code !== 0 && pages.code !== 3) throw damaged('The PDF is damaged: its pages cannot be read');
  if (!Number.isInteger(pageCount) || pageCount < 1) throw damaged('The PDF has no pages');
  return { pageCount };
}

function damaged(message: string): RequestError {
  return new RequestError('damaged_file', message);
}

async function endsWithEof(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const length = Math.min(size, EOF_WINDOW);
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, size - length);
    return buffer.includes('%%EOF');
  } finally {
    await file.close();
  }
}

/** `qpdf --requires-password` exits 0 when a password is needed, 2 when not, 3 when it was given. */
async function requiresPassword(path: string): Promise<boolean> {
  return (await qpdf(['--requires-password', path])).code === 0;
}

interface QpdfResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function qpdf(args: string[]): Promise<QpdfResult> {
  try {
    const { stdout, stderr } = await run('qpdf', args, { timeout: CHECK_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: unknown; stdout?: string; stderr?: string; killed?: boolean };
    if (typeof failure.code !== 'number') throw error; // qpdf missing (ENOENT) or killed: a server problem
    return { code: failure.code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.replace(/^qpdf: [^:]*: /, '') ?? 'unreadable';
}
