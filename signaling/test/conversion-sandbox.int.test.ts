import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UploadProgress } from '@ehop/protocol';
import { loadConfig } from '../src/config.js';
import { sandboxedCommand } from '../src/documents/conversion-sandbox.js';
import { OfficeConverter } from '../src/documents/office-converter.js';
import { createLogger } from '../src/logger.js';
import { DEMO_MEETING_ID } from '../src/seed/demo-seed.js';
import { uploadForm } from './support/document-fixtures.js';
import { closeAllSockets, collectEvents, connectSocket, login, startStack, type TestStack } from './support/harness.js';
import { EMBEDDED_PICTURE, hostileDocx, hostileOdt, hostilePptx, solidPng, type HostileLinks } from './support/hostile-office.js';

/*
 * Office files that link pictures (and, for .odt, whole sections) to places outside themselves:
 * a web server the test runs on loopback, a file on the server's disk, and a UNC path to it.
 * Converted by the real LibreOffice, the PDF must hold the file's own text and embedded picture
 * and nothing linked, and the web server must hear nothing at all. Each linked picture has a
 * size no other has, so `pdfimages -list` tells which ones reached the PDF.
 */
const LISTENER_PICTURE = { width: 7, height: 5 };
const SECRET_PICTURE = { width: 11, height: 3 };
const UNC_PICTURE = { width: 13, height: 3 };
const SECRET_TEXT = 'BI-MAT-TREN-DIA-MAY-CHU';
const LISTENER_TEXT = 'TRA-LOI-CUA-MAY-LANG-NGHE';
const TEXT = 'Tờ trình về kế hoạch đầu tư công năm 2027';

let stack: TestStack;
let url: string;
let cookie: string;
let secretDir: string;
let listener: Server;
/** Every connection and request the listener saw, in order. */
const heard: string[] = [];
let links: HostileLinks;
let linkedText: { http: string; file: string };

beforeAll(async () => {
  stack = await startStack();
  url = stack.nodes[0]!.url;
  cookie = await login(url, 'thuky');
  // The server's own files an attacker is after: outside DATA_DIR, readable by the server.
  secretDir = await mkdtemp(join(tmpdir(), 'ehop-server-secrets-'));
  await writeFile(join(secretDir, 'secret.png'), solidPng(SECRET_PICTURE.width, SECRET_PICTURE.height, [0, 160, 0]));
  await writeFile(join(secretDir, 'unc.png'), solidPng(UNC_PICTURE.width, UNC_PICTURE.height, [0, 0, 200]));
  await writeFile(join(secretDir, 'secret.txt'), `${SECRET_TEXT}\n`);
  listener = await startListener();
  const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  links = {
    http: `${base}/linked.png`,
    file: `file://${secretDir}/secret.png`,
    unc: `\\\\localhost${secretDir.replaceAll('/', '\\')}\\unc.png`,
  };
  linkedText = { http: `${base}/section.txt`, file: `file://${secretDir}/secret.txt` };
});
afterEach(() => closeAllSockets());
afterAll(async () => {
  listener?.closeAllConnections();
  await new Promise((resolve) => (listener ? listener.close(resolve) : resolve(undefined)));
  await stack?.stop();
  if (secretDir) await rm(secretDir, { recursive: true, force: true });
});

/** A web server on loopback answering as a real one would (WebDAV probe, picture, text). */
async function startListener(): Promise<Server> {
  const server = createServer((req, res) => {
    heard.push(`${req.method} ${req.url}`);
    if (req.method === 'OPTIONS') {
      res.setHeader('allow', 'GET, HEAD, OPTIONS');
      return res.end();
    }
    if (req.url?.endsWith('.txt')) return res.end(`${LISTENER_TEXT}\n`);
    res.setHeader('content-type', 'image/png');
    res.end(solidPng(LISTENER_PICTURE.width, LISTENER_PICTURE.height, [220, 0, 0]));
  });
  server.on('connection', () => heard.push('connection'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Uploads an Office file as the secretary and resolves to the PDF members are shown. */
async function convertedByUpload(file: Buffer, fileName: string): Promise<Buffer> {
  const socket = await connectSocket(url, cookie);
  const progress = collectEvents(socket, 'documents:upload');
  const response = await fetch(`${url}/api/meetings/${DEMO_MEETING_ID}/documents`, { method: 'POST', headers: { cookie }, body: uploadForm(file, fileName) });
  expect(response.status, await response.clone().text()).toBe(202);
  const { uploadId } = UploadProgress.parse(await response.json());
  const done = () => progress.find((event) => event.uploadId === uploadId && (event.status === 'ready' || event.status === 'failed'));
  await expect.poll(done, { timeout: 60_000, interval: 200 }).toBeTruthy();
  const document = done()!.document;
  if (!document) throw new Error(`conversion failed: ${JSON.stringify(done()!.error)}`);
  const view = await fetch(`${url}/api/meetings/${DEMO_MEETING_ID}/documents/${document.id}/view`, { headers: { cookie } });
  expect(view.status).toBe(200);
  return Buffer.from(await view.arrayBuffer());
}

/** The size of every picture in the PDF, as `pdfimages -list` reports them ("5x17"). */
async function picturesIn(pdf: Buffer): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ehop-pdfimages-'));
  try {
    await writeFile(join(dir, 'doc.pdf'), pdf);
    const listing = execFileSync('pdfimages', ['-list', join(dir, 'doc.pdf')]).toString('utf8');
    return listing
      .split('\n')
      .slice(2) // the header and its underline
      .filter((line) => line.trim())
      .map((line) => line.trim().split(/\s+/))
      .map((columns) => `${columns[3]}x${columns[4]}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const size = ({ width, height }: { width: number; height: number }) => `${width}x${height}`;

function expectOnlyOwnContent(pdf: Buffer, pictures: string[]): void {
  // Its own text and its own embedded picture: a normal conversion still works.
  const text = execFileSync('pdftotext', ['-raw', '-', '-'], { input: pdf }).toString().replace(/\s+/g, ' ');
  expect(text).toContain(TEXT);
  expect(pictures).toContain(size(EMBEDDED_PICTURE));
  // Nothing from the listener, from the server's disk or through the UNC path.
  expect(pictures).not.toContain(size(LISTENER_PICTURE));
  expect(pictures).not.toContain(size(SECRET_PICTURE));
  expect(pictures).not.toContain(size(UNC_PICTURE));
  expect(pictures).toEqual([size(EMBEDDED_PICTURE)]);
  expect(text).not.toContain(SECRET_TEXT);
  expect(text).not.toContain(LISTENER_TEXT);
}

describe('converting Office files whose pictures link outside the file', () => {
  const uploads = [
    { kind: '.docx', fileName: 'To trinh.docx', make: hostileDocx },
    { kind: '.pptx', fileName: 'Trinh chieu.pptx', make: hostilePptx },
  ];
  for (const { kind, fileName, make } of uploads) {
    it(`a ${kind} uploaded: the listener hears nothing, and the PDF holds neither its answer nor the server’s files`, async () => {
      heard.length = 0;
      const pdf = await convertedByUpload(await make(TEXT, links), fileName);
      expectOnlyOwnContent(pdf, await picturesIn(pdf));
      expect(heard).toEqual([]);
    }, 90_000);
  }

  it('an .odt with linked pictures and linked sections, through the converter the server builds', async () => {
    // Uploads take Word, Excel and PowerPoint only, so the .odt goes to the converter itself,
    // configured as the server configures it.
    heard.length = 0;
    const { documents } = loadConfig({});
    const converter = new OfficeConverter({
      sofficePath: documents.sofficePath,
      bwrapPath: documents.bwrapPath,
      concurrency: 1,
      timeoutMs: documents.conversionTimeoutMs,
      logger: createLogger('silent'),
    });
    const workDir = await mkdtemp(join(tmpdir(), 'ehop-convert-'));
    try {
      const input = join(workDir, 'source.odt');
      await writeFile(input, await hostileOdt(TEXT, links, linkedText));
      const pdf = await readFile(await converter.convert(input, workDir, { onQueued() {}, onStart() {} }));
      expectOnlyOwnContent(pdf, await picturesIn(pdf));
      expect(heard).toEqual([]);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('the conversion sandbox itself', () => {
  it('gives what runs in it no network, none of the server’s files or secrets, nothing writable but its folder, and no privileges', async () => {
    heard.length = 0;
    const workDir = await mkdtemp(join(tmpdir(), 'ehop-sandbox-'));
    const input = join(workDir, 'source.docx');
    await writeFile(input, 'input');
    const listenerUrl = new URL(links.http).origin;
    // Each probe prints "ok <name>" only if it managed what the sandbox must prevent.
    const probes = [
      `cat ${secretDir}/secret.txt && echo ok read-server-file`,
      `ls ${stack.dataDir} && echo ok list-data-dir`,
      `cat /etc/passwd && echo ok read-etc-passwd`,
      `curl -sS --max-time 3 ${listenerUrl}/from-sandbox && echo ok reach-listener`,
      `touch ${secretDir}/written && echo ok write-server-dir`,
      `touch /usr/written && echo ok write-usr`,
      `echo x >> ${input} && echo ok write-input`,
      `env | grep -q SECRET && echo ok see-server-environment`,
      `touch ${workDir}/out.pdf && echo ok-expected write-work-dir`,
      `echo "uid $(id -u) caps $(grep CapEff /proc/self/status | cut -f2)"`,
    ];
    try {
      const serverEnvironment = { ...process.env, SESSION_SECRET: 'secret-of-the-server', LANG: 'vi_VN.UTF-8' };
      const mounts = { workDir, inputPath: input, installDir: null };
      const { file, args } = sandboxedCommand(loadConfig({}).documents.bwrapPath, mounts, '/bin/sh', ['-c', `${probes.join('; ')}; echo "lang $LANG"`], serverEnvironment);
      const output = spawnSync(file, args, { encoding: 'utf8', timeout: 30_000 }).stdout;
      expect(output.split('\n').filter((line) => line.startsWith('ok '))).toEqual([]);
      expect(output).toContain('ok-expected write-work-dir');
      expect(output).toContain('uid 65534 caps 0000000000000000');
      expect(output).toContain('lang vi_VN.UTF-8'); // language and time zone pass, nothing else
      expect(output).not.toContain(SECRET_TEXT);
      expect(heard).toEqual([]);
      expect(await readFile(input, 'utf8')).toBe('input');
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });
});
