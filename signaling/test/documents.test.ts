import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresentationState } from '@ehop/protocol';
import { detectDocumentType } from '../src/documents/file-type.js';
import { installDirOf } from '../src/documents/conversion-sandbox.js';
import { OfficeConverter } from '../src/documents/office-converter.js';
import { checkPdf } from '../src/documents/pdf-check.js';
import { mayControl, mayPresent } from '../src/documents/presenting-rules.js';
import { createLogger } from '../src/logger.js';
import { multiPagePdf, wordDocument } from './support/document-fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ehop-doc-unit-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, content: Buffer | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('detectDocumentType (by content, never by name)', () => {
  it('recognises a PDF, also with bytes before its header', async () => {
    const pdf = await multiPagePdf(1);
    expect(await detectDocumentType(await file('a.bin', pdf))).toBe('pdf');
    expect(await detectDocumentType(await file('b.docx', Buffer.concat([Buffer.from('junk\n'), pdf])))).toBe('pdf');
  });

  it('recognises a Word document whatever it is called', async () => {
    expect(await detectDocumentType(await file('renamed.pdf', await wordDocument('Xin chào')))).toBe('word');
  });

  it('refuses text, an OLE2 header with nothing behind it, and an arbitrary zip-like header', async () => {
    expect(await detectDocumentType(await file('text.pdf', 'Không phải PDF'))).toBeNull();
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]);
    expect(await detectDocumentType(await file('fake.doc', ole))).toBeNull();
    expect(await detectDocumentType(await file('fake.docx', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(100)])))).toBeNull();
  });
});

describe('checkPdf', () => {
  it('counts the pages of a sound PDF', async () => {
    expect(await checkPdf(await file('six.pdf', await multiPagePdf(6)))).toEqual({ pageCount: 6 });
  });

  it('refuses a PDF cut short and one whose body is garbage', async () => {
    const whole = await multiPagePdf(3);
    await expect(checkPdf(await file('cut.pdf', whole.subarray(0, whole.length - 200)))).rejects.toMatchObject({ code: 'damaged_file' });
    const garbage = Buffer.from('%PDF-1.7\nthis is not a PDF body at all\n%%EOF\n');
    await expect(checkPdf(await file('garbage.pdf', garbage))).rejects.toMatchObject({ code: 'damaged_file' });
  });
});

describe('who may present', () => {
  const state = { presenterUserId: 'u-a' } as PresentationState;

  it('lets the chair and the designated presenter start', () => {
    expect(mayPresent('chair', 'u-chair', null)).toBe(true);
    expect(mayPresent('delegate', 'u-a', 'u-a')).toBe(true);
    expect(mayPresent('delegate', 'u-b', 'u-a')).toBe(false);
    expect(mayPresent('secretary', 'u-s', null)).toBe(false);
  });

  it('lets the chair take over, and the presenter turn pages only while still designated', () => {
    expect(mayControl(state, 'chair', 'u-chair', null)).toBe(true);
    expect(mayControl(state, 'delegate', 'u-a', 'u-a')).toBe(true);
    expect(mayControl(state, 'delegate', 'u-a', null)).toBe(false);
    expect(mayControl(state, 'delegate', 'u-b', 'u-b')).toBe(false);
  });
});

describe('installDirOf (what the conversion sandbox shows of soffice besides /usr)', () => {
  it('shows nothing more for Debian\'s LibreOffice, a LibreOffice installation by its program/ folder, a script by its folder', () => {
    expect(installDirOf('/usr/lib/libreoffice/program/soffice')).toBeNull();
    expect(installDirOf('/opt/libreoffice7.6/program/soffice')).toBe('/opt/libreoffice7.6');
    expect(installDirOf('/srv/tools/soffice.sh')).toBe('/srv/tools');
  });
});

describe('OfficeConverter (with stand-in soffice scripts)', () => {
  const logger = createLogger('silent');

  /** A script called like soffice: writes a PDF into --outdir, or misbehaves. */
  async function fakeSoffice(name: string, body: string): Promise<string> {
    const path = await file(name, `#!/bin/sh\n${body}\n`);
    await chmod(path, 0o755);
    return path;
  }
  const writesPdf = 'while [ "$1" != "--outdir" ]; do shift; done; mkdir -p "$2"; printf "%%PDF-1.4" > "$2/out.pdf"';

  /** Processes whose command line mentions `text` (the stand-in script's unique path). */
  async function processesRunning(text: string): Promise<string[]> {
    const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
    const lines = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')));
    return lines.map((line) => line.replaceAll('\0', ' ').trim()).filter((line) => line.includes(text) && !line.startsWith('bwrap'));
  }

  async function workDir(): Promise<string> {
    return mkdtemp(join(dir, 'job-'));
  }

  it('runs conversions one at a time, in order, telling each its place in the queue', async () => {
    const converter = new OfficeConverter({ sofficePath: await fakeSoffice('ok.sh', `sleep 0.2; ${writesPdf}`), bwrapPath: 'bwrap', concurrency: 1, timeoutMs: 10_000, logger });
    const events: string[] = [];
    const inputs = await Promise.all([1, 2, 3].map(async (n) => ({ n, path: await file(`in${n}.docx`, 'x'), dir: await workDir() })));
    const jobs = inputs.map(({ n, path, dir: work }) =>
      converter.convert(path, work, {
        onQueued: (position) => events.push(`queued ${n} at ${position}`),
        onStart: () => events.push(`start ${n}`),
      }),
    );
    const outputs = await Promise.all(jobs);
    expect(outputs.every((output) => output.endsWith('out.pdf'))).toBe(true);
    expect(events.filter((event) => event.startsWith('start'))).toEqual(['start 1', 'start 2', 'start 3']);
    expect(events).toContain('queued 3 at 1');
  });

  it('reports a crash and a time-out (the process is killed) as conversion_failed', async () => {
    const crashing = new OfficeConverter({ sofficePath: await fakeSoffice('crash.sh', 'exit 81'), bwrapPath: 'bwrap', concurrency: 1, timeoutMs: 10_000, logger });
    await expect(crashing.convert(await file('c.docx', 'x'), await workDir(), { onQueued() {}, onStart() {} })).rejects.toMatchObject({ code: 'conversion_failed' });

    const hangScript = await fakeSoffice('hang.sh', 'sleep 30');
    const hanging = new OfficeConverter({ sofficePath: hangScript, bwrapPath: 'bwrap', concurrency: 1, timeoutMs: 300, logger });
    const stuck = hanging.convert(await file('h.docx', 'x'), await workDir(), { onQueued() {}, onStart() {} });
    await expect(stuck).rejects.toMatchObject({ code: 'conversion_failed', message: expect.stringContaining('longer than') });
    // Killing the sandbox took everything inside it along (it has its own PID namespace).
    await expect.poll(() => processesRunning(hangScript), { timeout: 5_000 }).toEqual([]);
  });
});
