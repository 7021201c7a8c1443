import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { DocumentInfo, DocumentList, ReadReceipt, UploadProgress, type PresentationState } from '@ehop/protocol';
import { DEMO_AGENDA, DEMO_MEETING_ID, RESTRICTED_MEETING_ID } from '../src/seed/demo-seed.js';
import { multiPagePdf, uploadForm, wordDocument } from './support/document-fixtures.js';
import { closeAllSockets, collectEvents, connectSocket, login, nextEvent, request, sleep, startStack, type TestStack } from './support/harness.js';

const MAX_BYTES = 300_000;
const VIETNAMESE_TEXT = 'Ủy ban nhân dân tỉnh Hòa Bình — Nghị quyết số 12';

let stack: TestStack;
let url: string;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  stack = await startStack({ env: { DOCUMENT_MAX_BYTES: String(MAX_BYTES) } });
  url = stack.nodes[0]!.url;
  for (const username of ['chutri', 'thuky', 'daibieu1', 'daibieu2']) cookies[username] = await login(url, username);
});
afterAll(() => stack?.stop());
afterEach(() => closeAllSockets());

const documentsUrl = (meetingId = DEMO_MEETING_ID) => `${url}/api/meetings/${meetingId}/documents`;

function upload(as: string, file: Buffer, fileName: string, fields: Record<string, string> = {}, meetingId = DEMO_MEETING_ID) {
  return fetch(documentsUrl(meetingId), { method: 'POST', headers: { cookie: cookies[as]! }, body: uploadForm(file, fileName, fields) });
}

function get(as: string, path: string): Promise<Response> {
  return fetch(`${documentsUrl()}${path}`, { headers: { cookie: cookies[as]! } });
}

async function uploadPdf(as = 'chutri', fields: Record<string, string> = {}, pages = 6): Promise<DocumentInfo> {
  const response = await upload(as, await multiPagePdf(pages), 'Báo cáo tình hình.pdf', fields);
  expect(response.status).toBe(201);
  return UploadProgress.parse(await response.json()).document!;
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

/** Every file below `dir`, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** What a refused upload must not leave: records, list entries, stored files, or files in flight. */
async function expectNothingLeftBehind(before: Awaited<ReturnType<typeof snapshot>>): Promise<void> {
  expect((await stack.redis.keys('document*')).sort()).toEqual(before.keys);
  expect(await stack.redis.zCard(`meeting:${DEMO_MEETING_ID}:documents`)).toBe(before.listed);
  expect(await filesUnder(join(stack.dataDir, 'documents'))).toEqual(before.files);
  expect(await filesUnder(join(stack.dataDir, 'tmp'))).toEqual([]);
  expect(await readdir(join(stack.dataDir, 'tmp'))).toEqual([]);
}

async function snapshot() {
  return {
    keys: (await stack.redis.keys('document*')).sort(),
    listed: await stack.redis.zCard(`meeting:${DEMO_MEETING_ID}:documents`),
    files: await filesUnder(join(stack.dataDir, 'documents')),
  };
}

/** The PDF's text; `-raw` keeps slanted watermark lines whole. */
function pdfText(bytes: Buffer): string {
  return execFileSync('pdftotext', ['-raw', '-', '-'], { input: bytes }).toString();
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('uploading', () => {
  it('stores a PDF by the SHA-256 of its content and lists it for the members', async () => {
    const pdf = await multiPagePdf(6);
    const response = await upload('thuky', pdf, 'Báo cáo tình hình.pdf', { agendaItemId: DEMO_AGENDA[0]!.id });
    expect(response.status).toBe(201);
    const progress = UploadProgress.parse(await response.json());
    expect(progress.status).toBe('ready');
    expect(progress.document).toMatchObject({ title: 'Báo cáo tình hình', pageCount: 6, sourceType: 'pdf', agendaItemId: DEMO_AGENDA[0]!.id, confidential: false });

    const hash = sha256(pdf);
    expect(await readFile(join(stack.dataDir, 'documents', hash.slice(0, 2), `${hash}.pdf`))).toEqual(pdf);

    const list = DocumentList.parse(await (await get('daibieu1', '')).json());
    expect(list.documents.map((document) => document.id)).toContain(progress.document!.id);
    expect(list.canManage).toBe(false);
    expect(JSON.stringify(list)).not.toContain(hash); // where the file lives is the server's business
  });

  it('lets a delegate download a non-confidential PDF with its name (Vietnamese included)', async () => {
    const document = await uploadPdf();
    const response = await get('daibieu1', `/${document.id}/download`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment;.*filename\*=UTF-8''B%C3%A1o%20c%C3%A1o/);
    expect(pdfText(Buffer.from(await response.arrayBuffer()))).toContain('Page 6');
  });

  it('converts a .docx to a PDF with the same text, pushing queued/converting/ready to the uploader', async () => {
    const socket = await connectSocket(url, cookies['thuky']);
    const progress = collectEvents(socket, 'documents:upload');
    const response = await upload('thuky', await wordDocument(VIETNAMESE_TEXT), 'Nghị quyết 12.docx');
    expect(response.status).toBe(202);
    const queued = UploadProgress.parse(await response.json());
    expect(queued.status).toBe('queued');

    await expect.poll(() => progress.find((event) => event.uploadId === queued.uploadId && event.status === 'ready'), { timeout: 60_000, interval: 200 }).toBeTruthy();
    const statuses = progress.filter((event) => event.uploadId === queued.uploadId).map((event) => event.status);
    expect(statuses).toEqual(['converting', 'ready']);
    const document = progress.at(-1)!.document!;
    expect(document).toMatchObject({ sourceType: 'word', title: 'Nghị quyết 12', pageCount: 1 });

    const pdf = Buffer.from(await (await get('daibieu1', `/${document.id}/view`)).arrayBuffer());
    expect(pdfText(pdf).replace(/\s+/g, ' ')).toContain(VIETNAMESE_TEXT);
    // Nothing of the conversion (profile, source, output) stays in the work area.
    expect(await readdir(join(stack.dataDir, 'tmp'))).toEqual([]);
  }, 90_000);

  it('refuses a non-PDF renamed .pdf, an oversized file and a truncated PDF, leaving nothing behind', async () => {
    const before = await snapshot();
    const text = Buffer.from('Đây không phải là tệp PDF, chỉ là văn bản.\n'.repeat(20));
    const renamed = await upload('chutri', text, 'gia-mao.pdf');
    expect(renamed.status).toBe(415);
    expect(await errorOf(renamed)).toEqual({ code: 'unsupported_file_type', message: 'This file is not a PDF, Word, Excel or PowerPoint document' });
    await expectNothingLeftBehind(before);

    const oversized = await upload('chutri', Buffer.concat([await multiPagePdf(1), Buffer.alloc(MAX_BYTES)]), 'qua-lon.pdf');
    expect(oversized.status).toBe(413);
    expect(await errorOf(oversized)).toEqual({ code: 'file_too_large', message: 'The file is larger than 0.3 MB' });
    await expectNothingLeftBehind(before);

    const whole = await multiPagePdf(6);
    const truncated = await upload('chutri', whole.subarray(0, Math.floor(whole.length * 0.7)), 'bi-cat.pdf');
    expect(truncated.status).toBe(422);
    expect(await errorOf(truncated)).toEqual({ code: 'damaged_file', message: 'The PDF is incomplete (it was cut short)' });
    await expectNothingLeftBehind(before);
  });

  it('refuses a delegate\'s upload before reading the file, leaving nothing behind', async () => {
    const before = await snapshot();
    const response = await upload('daibieu1', await multiPagePdf(2), 'cua-dai-bieu.pdf');
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('forbidden');
    await expectNothingLeftBehind(before);
  });

  it('refuses uploads from outsiders of the meeting and bad fields', async () => {
    const outsider = await upload('daibieu2', await multiPagePdf(1), 'x.pdf', {}, RESTRICTED_MEETING_ID);
    expect(outsider.status).toBe(403);
    const badField = await upload('chutri', await multiPagePdf(1), 'x.pdf', { agendaItemId: 'not an id!' });
    expect(badField.status).toBe(400);
    expect((await errorOf(badField)).code).toBe('invalid_payload');
    expect(await readdir(join(stack.dataDir, 'tmp'))).toEqual([]);
  });
});

describe('access', () => {
  it('serves a confidential document only stamped with the viewer\'s name, and never for download', async () => {
    const original = await multiPagePdf(3);
    const response = await upload('chutri', original, 'Mật.pdf', { confidential: 'true' });
    const document = UploadProgress.parse(await response.json()).document!;

    const download = await get('daibieu1', `/${document.id}/download`);
    expect(download.status).toBe(403);
    expect(await errorOf(download)).toEqual({ code: 'forbidden', message: 'This document is confidential: it can be viewed but not downloaded' });

    const view = await get('daibieu1', `/${document.id}/view`);
    expect(view.status).toBe(200);
    expect(view.headers.get('cache-control')).toBe('private, no-store');
    const stamped = Buffer.from(await view.arrayBuffer());
    expect(sha256(stamped)).not.toBe(sha256(original));
    const text = pdfText(stamped);
    expect(text).toContain('Lê Minh Tuấn');
    expect(text).toContain('Page 3');
    // Another viewer gets their own name, not the first one's.
    const chairCopy = pdfText(Buffer.from(await (await get('chutri', `/${document.id}/view`)).arrayBuffer()));
    expect(chairCopy).toContain('Nguyễn Văn Hùng');
    expect(chairCopy).not.toContain('Lê Minh Tuấn');
  });

  it('hides unpublished documents from delegates and documents of other meetings', async () => {
    const draft = await uploadPdf('thuky', { published: 'false' });
    expect((await get('daibieu1', `/${draft.id}`)).status).toBe(404);
    expect((await get('daibieu1', `/${draft.id}/view`)).status).toBe(404);
    const list = DocumentList.parse(await (await get('daibieu1', '')).json());
    expect(list.documents.map((document) => document.id)).not.toContain(draft.id);
    expect((await get('chutri', `/${draft.id}`)).status).toBe(200);

    // The same id through a meeting it does not belong to.
    const elsewhere = await fetch(`${documentsUrl(RESTRICTED_MEETING_ID)}/${draft.id}`, { headers: { cookie: cookies['chutri']! } });
    expect(elsewhere.status).toBe(404);
    const outsider = await fetch(documentsUrl(RESTRICTED_MEETING_ID), { headers: { cookie: cookies['daibieu2']! } });
    expect(outsider.status).toBe(403);
  });

  it('records who opened a document, visible to the secretary only', async () => {
    const document = await uploadPdf();
    const before = ReadReceipt.array().parse(await (await get('thuky', `/${document.id}/receipts`)).json());
    expect(before.find((receipt) => receipt.userId === 'u-daibieu1')?.openedAt).toBeNull();

    expect((await get('daibieu1', `/${document.id}/view`)).status).toBe(200);
    const after = ReadReceipt.array().parse(await (await get('thuky', `/${document.id}/receipts`)).json());
    expect(after.find((receipt) => receipt.userId === 'u-daibieu1')?.openedAt).toEqual(expect.any(String));
    expect(after.find((receipt) => receipt.userId === 'u-daibieu2')?.openedAt).toBeNull();

    expect((await get('daibieu1', `/${document.id}/receipts`)).status).toBe(403);
  });

  it('deletes a document and its file when nothing else uses it', async () => {
    const pdf = await multiPagePdf(9);
    const document = UploadProgress.parse(await (await upload('chutri', pdf, 'Chín trang.pdf')).json()).document!;
    const hash = sha256(pdf);
    const storedFile = join(stack.dataDir, 'documents', hash.slice(0, 2), `${hash}.pdf`);
    expect((await filesUnder(join(stack.dataDir, 'documents'))).includes(storedFile)).toBe(true);
    const keysBefore = await stack.redis.keys(`document:${document.id}*`);
    expect(keysBefore.length).toBeGreaterThan(0);
    const refused = await fetch(`${documentsUrl()}/${document.id}`, { method: 'DELETE', headers: { cookie: cookies['daibieu1']! } });
    expect(refused.status).toBe(403);
    const removed = await fetch(`${documentsUrl()}/${document.id}`, { method: 'DELETE', headers: { cookie: cookies['thuky']! } });
    expect(removed.status).toBe(204);
    expect(await stack.redis.keys(`document:${document.id}*`)).toEqual([]);
    expect((await get('chutri', `/${document.id}`)).status).toBe(404);
    expect((await filesUnder(join(stack.dataDir, 'documents'))).includes(storedFile)).toBe(false);
  });
});

describe('presenting', () => {
  async function subscribed(username: string): Promise<{ socket: Socket; presentation: PresentationState | null }> {
    const socket = await connectSocket(url, cookies[username]);
    const ack = await request(socket, 'documents:subscribe', { meetingId: DEMO_MEETING_ID });
    if (!ack.ok) throw new Error(`subscribe failed: ${ack.error.message}`);
    return { socket, presentation: ack.data.presentation };
  }

  it('broadcasts the chair\'s page to followers, refuses a delegate\'s page change, and a late joiner lands on the page', async () => {
    const document = await uploadPdf('chutri', {}, 6);
    const chair = await subscribed('chutri');
    const delegate = await subscribed('daibieu1');

    const seenByDelegate = nextEvent(delegate.socket, 'presentation:changed');
    const started = await request(chair.socket, 'presentation:start', { meetingId: DEMO_MEETING_ID, documentId: document.id, page: 3 });
    expect(started.ok).toBe(true);
    expect((await seenByDelegate).presentation).toMatchObject({ documentId: document.id, page: 3, zoom: 1, presenterUserId: 'u-chutri' });

    const chairEvents = collectEvents(chair.socket, 'presentation:changed');
    const delegateEvents = collectEvents(delegate.socket, 'presentation:changed');
    const forged = await request(delegate.socket, 'presentation:update', { meetingId: DEMO_MEETING_ID, page: 5 });
    expect(forged).toEqual({ ok: false, error: { code: 'forbidden', message: 'Only the presenter or the chair may turn the pages' } });
    const forgedStart = await request(delegate.socket, 'presentation:start', { meetingId: DEMO_MEETING_ID, documentId: document.id, page: 5 });
    expect(forgedStart.ok ? null : forgedStart.error.code).toBe('forbidden');
    await sleep(300);
    expect(chairEvents).toEqual([]);
    expect(delegateEvents).toEqual([]);
    expect(JSON.parse((await stack.redis.get(`meeting:${DEMO_MEETING_ID}:presentation`))!)).toMatchObject({ page: 3 });

    const late = await subscribed('daibieu2');
    expect(late.presentation).toMatchObject({ documentId: document.id, page: 3 });

    const outOfRange = await request(chair.socket, 'presentation:update', { meetingId: DEMO_MEETING_ID, page: 7 });
    expect(outOfRange.ok ? null : outOfRange.error.code).toBe('invalid_payload');
    const malformed = await request(chair.socket, 'presentation:update', { meetingId: DEMO_MEETING_ID, page: 'three' });
    expect(malformed.ok ? null : malformed.error.code).toBe('invalid_payload');

    const turned = nextEvent(late.socket, 'presentation:changed');
    await request(chair.socket, 'presentation:update', { meetingId: DEMO_MEETING_ID, page: 4, zoom: 1.5 });
    const next = (await turned).presentation!;
    expect(next).toMatchObject({ page: 4, zoom: 1.5 });
    expect(next.version).toBeGreaterThan(started.ok ? started.data.version : Infinity);
  });

  it('lets a presenter designated by the chair turn pages, until the chair withdraws it', async () => {
    const document = await uploadPdf('chutri', {}, 4);
    const chair = await subscribed('chutri');
    const delegate = await subscribed('daibieu1');
    const notChair = await request(delegate.socket, 'presentation:designate', { meetingId: DEMO_MEETING_ID, userId: 'u-daibieu1' });
    expect(notChair.ok ? null : notChair.error.code).toBe('forbidden');

    expect((await request(chair.socket, 'presentation:designate', { meetingId: DEMO_MEETING_ID, userId: 'u-daibieu1' })).ok).toBe(true);
    const started = await request(delegate.socket, 'presentation:start', { meetingId: DEMO_MEETING_ID, documentId: document.id, page: 2 });
    expect(started.ok && started.data.presenterUserId).toBe('u-daibieu1');
    expect((await request(delegate.socket, 'presentation:update', { meetingId: DEMO_MEETING_ID, page: 3 })).ok).toBe(true);

    await request(chair.socket, 'presentation:designate', { meetingId: DEMO_MEETING_ID, userId: null });
    const refused = await request(delegate.socket, 'presentation:update', { meetingId: DEMO_MEETING_ID, page: 4 });
    expect(refused.ok ? null : refused.error.code).toBe('forbidden');
    const stopped = nextEvent(delegate.socket, 'presentation:changed');
    expect((await request(chair.socket, 'presentation:stop', { meetingId: DEMO_MEETING_ID })).ok).toBe(true);
    expect((await stopped).presentation).toBeNull();
  });

  it('refuses following a meeting one is not invited to', async () => {
    const socket = await connectSocket(url, cookies['daibieu2']);
    const ack = await request(socket, 'documents:subscribe', { meetingId: RESTRICTED_MEETING_ID });
    expect(ack.ok ? null : ack.error.code).toBe('forbidden');
  });
});

describe('after a restart of signaling', () => {
  it('keeps the documents, their files and the presented page', async () => {
    const document = await uploadPdf('chutri', {}, 5);
    const chair = await connectSocket(url, cookies['chutri']);
    await request(chair, 'documents:subscribe', { meetingId: DEMO_MEETING_ID });
    await request(chair, 'presentation:start', { meetingId: DEMO_MEETING_ID, documentId: document.id, page: 4 });
    closeAllSockets();

    await stack.nodes[0]!.server.close();
    url = (await stack.addNode()).url; // sessions live in Redis: the same cookies work on the new process

    const delegate = await connectSocket(url, cookies['daibieu1']);
    const ack = await request(delegate, 'documents:subscribe', { meetingId: DEMO_MEETING_ID });
    expect(ack.ok && ack.data.presentation).toMatchObject({ documentId: document.id, page: 4 });
    const view = await get('daibieu1', `/${document.id}/view`);
    expect(view.status).toBe(200);
    expect(pdfText(Buffer.from(await view.arrayBuffer()))).toContain('Page 5');
  });
});
