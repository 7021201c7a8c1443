import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSignaling, type SignalingHandle } from '@ehop/testkit';
import {
  Annotation,
  DocumentNotes,
  MAX_ANNOTATIONS_PER_DOCUMENT,
  MAX_NOTE_TEXT_LENGTH,
  UploadProgress,
  type DocumentInfo,
} from '@ehop/protocol';
import { DEMO_AGENDA, DEMO_MEETING_ID, RESTRICTED_MEETING_ID } from '../src/seed/demo-seed.js';
import { multiPagePdf, uploadForm } from './support/document-fixtures.js';
import { errorCode, login, sendJson, startStack, type TestStack } from './support/harness.js';

const NOTE = 'Đề nghị làm rõ số liệu giải ngân vốn đầu tư công ở huyện Lạc Sơn — ưu tiên quý II.';
const COMMENT = 'Số liệu này chưa khớp với báo cáo tháng trước';
const RECT = { x: 0.1, y: 0.2, width: 0.5, height: 0.1 };

let stack: TestStack;
let url: string;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  stack = await startStack();
  url = stack.nodes[0]!.url;
  for (const username of ['chutri', 'thuky', 'daibieu1', 'daibieu2', 'quansat', 'admin']) cookies[username] = await login(url, username);
});
afterAll(() => stack?.stop());

const documentsUrl = (meetingId = DEMO_MEETING_ID) => `${url}/api/meetings/${meetingId}/documents`;
const notesUrl = (document: DocumentInfo) => `${documentsUrl(document.meetingId)}/${document.id}/notes`;

async function uploadPdf(fields: Record<string, string> = {}, pages = 3, meetingId = DEMO_MEETING_ID): Promise<DocumentInfo> {
  const response = await fetch(documentsUrl(meetingId), {
    method: 'POST',
    headers: { cookie: cookies['chutri']! },
    body: uploadForm(await multiPagePdf(pages), 'Báo cáo quý.pdf', fields),
  });
  expect(response.status).toBe(201);
  return UploadProgress.parse(await response.json()).document!;
}

async function notesOf(as: string, document: DocumentInfo): Promise<DocumentNotes> {
  const response = await fetch(notesUrl(document), { headers: { cookie: cookies[as]! } });
  expect(response.status).toBe(200);
  return DocumentNotes.parse(await response.json());
}

async function highlight(as: string, document: DocumentInfo, body: unknown = { page: 2, rect: RECT, comment: COMMENT }): Promise<Response> {
  return sendJson('POST', `${notesUrl(document)}/annotations`, cookies[as], body);
}

async function writeNotes(as: string, document: DocumentInfo): Promise<Annotation> {
  expect((await sendJson('PUT', `${notesUrl(document)}/text`, cookies[as], { text: NOTE })).status).toBe(200);
  const response = await highlight(as, document);
  expect(response.status).toBe(201);
  return Annotation.parse(await response.json());
}

function pdfText(bytes: Buffer): string {
  return execFileSync('pdftotext', ['-raw', '-', '-'], { input: bytes }).toString();
}

function pdfPages(bytes: Buffer): number {
  const info = execFileSync('pdfinfo', ['-'], { input: bytes }).toString();
  return Number(/Pages:\s+(\d+)/.exec(info)![1]);
}

describe('my notes', () => {
  it('are saved and read back whole', async () => {
    const document = await uploadPdf();
    const annotation = await writeNotes('daibieu1', document);
    const notes = await notesOf('daibieu1', document);
    expect(notes.text).toBe(NOTE);
    expect(notes.annotations).toEqual([annotation]);
    expect(annotation).toMatchObject({ page: 2, rect: RECT, comment: COMMENT });
  });

  it('are nobody else’s to read: the chair, an observer and another delegate each get only their own', async () => {
    const document = await uploadPdf();
    await writeNotes('daibieu1', document);
    for (const other of ['chutri', 'quansat', 'daibieu2', 'thuky']) {
      expect(await notesOf(other, document)).toEqual({ documentId: document.id, text: '', annotations: [], textUpdatedAt: null });
    }
    // An administrator who is not invited does not reach the meeting's documents at all.
    expect((await fetch(notesUrl(document), { headers: { cookie: cookies['admin']! } })).status).toBe(403);
    // Stored under the owner only: nothing was written for the readers.
    const keys = await stack.redis.keys(`user:*:notes:${document.id}*`);
    expect(keys.sort()).toEqual([`user:u-daibieu1:notes:${document.id}`, `user:u-daibieu1:notes:${document.id}:annotations`]);
  });

  it('are nobody else’s to change or delete', async () => {
    const document = await uploadPdf();
    const mine = await writeNotes('daibieu1', document);
    const patch = await sendJson('PATCH', `${notesUrl(document)}/annotations/${mine.id}`, cookies['chutri'], { comment: 'sửa trộm' });
    expect(patch.status).toBe(404);
    const removal = await sendJson('DELETE', `${notesUrl(document)}/annotations/${mine.id}`, cookies['daibieu2']);
    expect(removal.status).toBe(404);
    // Writing the text writes the writer's own notes, never daibieu1's.
    await sendJson('PUT', `${notesUrl(document)}/text`, cookies['daibieu2'], { text: 'của tôi' });
    const notes = await notesOf('daibieu1', document);
    expect(notes.text).toBe(NOTE);
    expect(notes.annotations).toEqual([mine]);
    expect((await notesOf('daibieu2', document)).text).toBe('của tôi');
  });

  it('cannot be kept on a meeting one is not invited to, or a document one cannot see', async () => {
    const restricted = await uploadPdf({}, 2, RESTRICTED_MEETING_ID);
    const forbidden = await fetch(notesUrl(restricted), { headers: { cookie: cookies['daibieu2']! } });
    expect(forbidden.status).toBe(403);
    expect((await sendJson('PUT', `${notesUrl(restricted)}/text`, cookies['daibieu2'], { text: 'x' })).status).toBe(403);
    const draft = await uploadPdf({ published: 'false' });
    expect((await fetch(notesUrl(draft), { headers: { cookie: cookies['daibieu1']! } })).status).toBe(404);
    expect(await stack.redis.keys(`user:*:notes:${restricted.id}*`)).toEqual([]);
    expect(await stack.redis.keys(`user:*:notes:${draft.id}*`)).toEqual([]);
  });

  it('refuses invalid payloads and changes nothing', async () => {
    const document = await uploadPdf({}, 3);
    const mine = await writeNotes('daibieu1', document);
    const before = await notesOf('daibieu1', document);
    const refused = [
      await sendJson('PUT', `${notesUrl(document)}/text`, cookies['daibieu1'], { text: 'x'.repeat(MAX_NOTE_TEXT_LENGTH + 1) }),
      await sendJson('PUT', `${notesUrl(document)}/text`, cookies['daibieu1'], { text: 42 }),
      await highlight('daibieu1', document, { page: 2, rect: { x: 0.8, y: 0.1, width: 0.5, height: 0.1 } }),
      await highlight('daibieu1', document, { page: 2, rect: { x: 0.1, y: 0.1, width: 0, height: 0.1 } }),
      await highlight('daibieu1', document, { page: 4, rect: RECT }),
      await highlight('daibieu1', document, { page: 0, rect: RECT }),
      await highlight('daibieu1', document, { page: 1, rect: RECT, comment: 'x'.repeat(1001) }),
      await sendJson('PATCH', `${notesUrl(document)}/annotations/${mine.id}`, cookies['daibieu1'], { comment: 'x'.repeat(1001) }),
      await sendJson('PATCH', `${notesUrl(document)}/annotations/bad:id`, cookies['daibieu1'], { comment: 'ok' }),
    ];
    for (const response of refused) {
      expect(response.status).toBe(400);
      expect(await errorCode(response)).toBe('invalid_payload');
    }
    expect(await notesOf('daibieu1', document)).toEqual(before);
  });

  it(`keeps at most ${MAX_ANNOTATIONS_PER_DOCUMENT} highlights per document`, async () => {
    const document = await uploadPdf();
    const multi = stack.redis.multi();
    // Filled straight into Redis: the limit is what is checked here, not 300 round trips.
    for (let n = 0; n < MAX_ANNOTATIONS_PER_DOCUMENT; n++) {
      const at = new Date().toISOString();
      multi.hSet(`user:u-daibieu2:notes:${document.id}:annotations`, `a-${n}`, JSON.stringify({ id: `a-${n}`, page: 1, rect: RECT, comment: '', createdAt: at, updatedAt: at }));
    }
    await multi.exec();
    const response = await highlight('daibieu2', document);
    expect(response.status).toBe(409);
    expect(await errorCode(response)).toBe('limit_reached');
    expect((await notesOf('daibieu2', document)).annotations).toHaveLength(MAX_ANNOTATIONS_PER_DOCUMENT);
  });

  it('edits and deletes my own highlight', async () => {
    const document = await uploadPdf();
    const mine = await writeNotes('daibieu1', document);
    const patch = await sendJson('PATCH', `${notesUrl(document)}/annotations/${mine.id}`, cookies['daibieu1'], { comment: 'Đã đối chiếu' });
    expect(patch.status).toBe(200);
    expect((await notesOf('daibieu1', document)).annotations[0]!.comment).toBe('Đã đối chiếu');
    expect((await sendJson('DELETE', `${notesUrl(document)}/annotations/${mine.id}`, cookies['daibieu1'])).status).toBe(204);
    expect((await notesOf('daibieu1', document)).annotations).toEqual([]);
    expect((await sendJson('DELETE', `${notesUrl(document)}/annotations/${mine.id}`, cookies['daibieu1'])).status).toBe(404);
  });

  it('go with their document when it is deleted', async () => {
    const document = await uploadPdf();
    await writeNotes('daibieu1', document);
    await writeNotes('daibieu2', document);
    expect((await sendJson('DELETE', `${documentsUrl()}/${document.id}`, cookies['thuky'])).status).toBe(204);
    expect(await stack.redis.keys(`*notes*${document.id}*`)).toEqual([]);
    expect(await stack.redis.keys(`document:${document.id}*`)).toEqual([]);
  });
});

describe('exporting my notes as a PDF', () => {
  it('gives the pages with my highlights, then my notes, Vietnamese intact', async () => {
    const document = await uploadPdf({}, 3);
    await writeNotes('daibieu1', document);
    const response = await fetch(`${notesUrl(document)}/export`, { headers: { cookie: cookies['daibieu1']! } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/pdf');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(pdfPages(bytes)).toBe(4);
    const text = pdfText(bytes).replace(/\s+/g, ' ');
    expect(text).toContain('Page 3');
    expect(text).toContain(NOTE);
    expect(text).toContain(COMMENT);
    expect(text).toContain('Lê Minh Tuấn');
  });

  it('of a confidential document: my notes only, stamped with my name, without its pages', async () => {
    const document = await uploadPdf({ confidential: 'true' }, 3);
    await writeNotes('daibieu1', document);
    const response = await fetch(`${notesUrl(document)}/export`, { headers: { cookie: cookies['daibieu1']! } });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = pdfText(bytes).replace(/\s+/g, ' ');
    expect(text).toContain(NOTE);
    expect(text).toContain('TÀI LIỆU MẬT');
    expect(text).not.toContain('Page 1');
    expect(pdfPages(bytes)).toBe(1);
  });

  it('holds only the exporter’s notes', async () => {
    const document = await uploadPdf();
    await writeNotes('daibieu1', document);
    const response = await fetch(`${notesUrl(document)}/export`, { headers: { cookie: cookies['chutri']! } });
    expect(response.status).toBe(200);
    expect(pdfText(Buffer.from(await response.arrayBuffer()))).not.toContain('giải ngân');
  });
});

describe('filing a document under an agenda item', () => {
  it('accepts an item or sub-item of the meeting’s agenda', async () => {
    const subItem = DEMO_AGENDA[1]!.children[0]!.id;
    const document = await uploadPdf({ agendaItemId: subItem });
    expect(document.agendaItemId).toBe(subItem);
  });

  it('refuses an item of another meeting (or none at all) and keeps nothing', async () => {
    const before = await stack.redis.zCard(`meeting:${DEMO_MEETING_ID}:documents`);
    const response = await fetch(documentsUrl(), {
      method: 'POST',
      headers: { cookie: cookies['thuky']! },
      body: uploadForm(await multiPagePdf(1), 'Lạc mục.pdf', { agendaItemId: 'a-not-on-this-agenda' }),
    });
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('invalid_payload');
    expect(await stack.redis.zCard(`meeting:${DEMO_MEETING_ID}:documents`)).toBe(before);

    const document = await uploadPdf();
    const patch = await sendJson('PATCH', `${documentsUrl()}/${document.id}`, cookies['thuky'], { agendaItemId: 'a-not-on-this-agenda' });
    expect(patch.status).toBe(400);
    const moved = await sendJson('PATCH', `${documentsUrl()}/${document.id}`, cookies['thuky'], { agendaItemId: DEMO_AGENDA[0]!.id });
    expect(((await moved.json()) as DocumentInfo).agendaItemId).toBe(DEMO_AGENDA[0]!.id);
  });
});

describe('a restart of the signaling process', () => {
  let node: SignalingHandle | undefined;
  afterEach(() => node?.stop());

  it('loses no note: the same session reads them back from the new process', async () => {
    const start = () =>
      startSignaling({
        redisUrl: stack.redisServer.url,
        sfuUrl: 'http://127.0.0.1:9', // no SFU: notes do not need one
        sfuSecret: 'dev-sfu-secret',
        requireHealthy: false,
        healthTimeoutMs: 60_000,
        // The same secret on both processes, as in a deployment: the session cookie stays valid.
        env: { SESSION_SECRET: 'notes-restart-test-secret', DATA_DIR: stack.dataDir, LOG_LEVEL: 'warn' },
      });
    node = await start();
    const cookie = await login(node.url, 'daibieu1');
    const document = await uploadPdf();
    const base = `${node.url}/api/meetings/${DEMO_MEETING_ID}/documents/${document.id}/notes`;
    expect((await sendJson('PUT', `${base}/text`, cookie, { text: NOTE })).status).toBe(200);
    expect((await sendJson('POST', `${base}/annotations`, cookie, { page: 2, rect: RECT, comment: COMMENT })).status).toBe(201);
    const before = DocumentNotes.parse(await (await fetch(base, { headers: { cookie } })).json());

    // Killed outright, not shut down politely: what was acknowledged must already be in Redis.
    const exited = new Promise((resolve) => node!.process.once('exit', resolve));
    node.process.kill('SIGKILL');
    await exited;
    node = await start();

    const after = await fetch(`${node.url}/api/meetings/${DEMO_MEETING_ID}/documents/${document.id}/notes`, { headers: { cookie } });
    expect(after.status).toBe(200);
    const notes = DocumentNotes.parse(await after.json());
    expect(notes).toEqual(before);
    expect(notes.text).toBe(NOTE);
    expect(notes.annotations[0]).toMatchObject({ page: 2, comment: COMMENT });
    // A ceiling, not a goal: two process starts take 8 s or more each on a busy 2-core machine.
  }, 180_000);
});
