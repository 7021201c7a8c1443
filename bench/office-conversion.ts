/**
 * What the conversion sandbox costs: one Word document (~10 pages of a report) converted to PDF
 * the way signaling converts uploads (OfficeConverter: bubblewrap sandbox without network,
 * LibreOffice profile that loads no links), against the baseline of the same LibreOffice run
 * directly with the same arguments and a fresh empty profile (how conversions ran before the
 * sandbox). Runs alternate between the two; one conversion at a time. Also the sandbox's own
 * cost, less sensitive to a busy machine: bwrap with the same mounts running /bin/true.
 *
 *   npm run build && npx tsx bench/office-conversion.ts [--runs 5]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../signaling/dist/config.js';
import { OfficeConverter } from '../signaling/dist/documents/office-converter.js';
import { createLogger } from '../signaling/dist/logger.js';
import { sandboxedCommand } from '../signaling/dist/documents/conversion-sandbox.js';
import { formatRow, summarize, TABLE_HEADER } from './lib/latency-table.js';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const RUNS = Number(args.runs);
const { documents } = loadConfig({});

/** soffice as signaling ran it before the sandbox: same arguments, fresh profile, nothing around it. */
function sofficeDirect(inputPath: string, workDir: string): Promise<void> {
  const argv = ['--headless', '--norestore', '--nolockcheck', '--nodefault', '--nofirststartwizard', `-env:UserInstallation=${pathToFileURL(join(workDir, 'profile')).href}`, '--convert-to', 'pdf', '--outdir', join(workDir, 'out'), inputPath];
  return new Promise((resolve, reject) => {
    const child = spawn(documents.sofficePath, argv, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`soffice exited with ${code}`))));
  });
}

/** A ~10-page report as .docx, made by LibreOffice itself from a flat OpenDocument text. */
async function reportDocx(dir: string): Promise<string> {
  const paragraph = 'Báo cáo tình hình kinh tế - xã hội, đầu tư công và cải cách hành chính của tỉnh trong quý; kiến nghị các sở, ngành và địa phương.';
  const body = Array.from({ length: 120 }, (_, n) => `<text:p>${n + 1}. ${paragraph} ${paragraph}</text:p>`).join('');
  const fodt = `<?xml version="1.0" encoding="UTF-8"?><office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>${body}</office:text></office:body></office:document>`;
  await writeFile(join(dir, 'report.fodt'), fodt);
  await new Promise<void>((resolve, reject) => {
    const argv = ['--headless', `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`, '--convert-to', 'docx', '--outdir', dir, join(dir, 'report.fodt')];
    spawn(documents.sofficePath, argv, { stdio: 'ignore' }).on('close', (code) => (code === 0 ? resolve() : reject(new Error('could not make the .docx'))));
  });
  return join(dir, 'report.docx');
}

async function timed(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return performance.now() - started;
}

/** The sandbox alone: bwrap with a conversion's mounts, running /bin/true. */
function emptySandbox(workDir: string, inputPath: string): Promise<void> {
  const { file, args: argv } = sandboxedCommand(documents.bwrapPath, { workDir, inputPath, installDir: null }, '/bin/true', []);
  return new Promise((resolve, reject) => {
    spawn(file, argv, { stdio: 'ignore' }).on('close', (code) => (code === 0 ? resolve() : reject(new Error(`bwrap exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  console.log(`office-conversion bench: ${RUNS} runs of each, one .docx of ~10 pages; load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  const dir = await mkdtemp(join(tmpdir(), 'ehop-bench-conversion-'));
  const converter = new OfficeConverter({ ...documents, concurrency: 1, timeoutMs: documents.conversionTimeoutMs, logger: createLogger('silent') });
  const times = { direct: [] as number[], sandboxed: [] as number[], sandboxOnly: [] as number[] };
  try {
    const source = await reportDocx(dir);
    for (let run = 0; run < RUNS; run++) {
      for (const variant of ['direct', 'sandboxed'] as const) {
        const workDir = await mkdtemp(join(dir, `${variant}-`));
        times[variant].push(
          await timed(() => (variant === 'direct' ? sofficeDirect(source, workDir) : converter.convert(source, workDir, { onQueued() {}, onStart() {} }))),
        );
        const pdfs = (await readdir(join(workDir, 'out'))).filter((name) => name.endsWith('.pdf'));
        if (pdfs.length !== 1) throw new Error(`${variant}: no PDF`);
        await rm(workDir, { recursive: true, force: true });
      }
      for (let n = 0; n < 10; n++) times.sandboxOnly.push(await timed(() => emptySandbox(dir, source)));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log(TABLE_HEADER);
  console.log(formatRow('baseline: soffice directly (before)', summarize(times.direct)));
  console.log(formatRow('OfficeConverter: sandbox + profile', summarize(times.sandboxed)));
  console.log(formatRow('the sandbox alone: bwrap /bin/true', summarize(times.sandboxOnly)));
}

await main();
