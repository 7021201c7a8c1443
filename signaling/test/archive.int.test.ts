import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSearchResult, Dossier, DossierManifest, DocumentList, UploadProgress, type ServerEvent } from '@ehop/protocol';
import { DEMO_MEETING_ID, RESTRICTED_MEETING_ID } from '../src/seed/demo-seed.js';
import { pino } from 'pino';
import { DEV_BALLOT_SECRET } from '../src/config.js';
import { BallotSealer } from '../src/votes/ballot-seal.js';
import { VoteRepository, type VoteDefinition } from '../src/votes/vote-repository.js';
import { multiPagePdf, uploadForm, vietnameseTextPdf, wordDocument } from './support/document-fixtures.js';
import { closeAllSockets, collectEvents, connectSocket, errorCode, login, sendJson, startStack, waitFor, type TestStack } from './support/harness.js';
import { storeFinishedRecording } from './support/recording-fixtures.js';

/*
 * The restricted demo meeting (chutri, thuky, daibieu1, diemcau-tinh; not daibieu2) gets a public
 * and a confidential document, a speakers log, a closed vote and a recording, then ends while a
 * Word upload is still converting. Two signaling nodes share one Redis: the meeting is archived
 * through one and searched through the other.
 */
let stack: TestStack;
let nodeA: string;
let nodeB: string;
const cookies: Record<string, string> = {};
const meetingId = RESTRICTED_MEETING_ID;
const RECORDING_BYTES = 'bản ghi hình phiên họp chuyên đề';
/** What the secretary was told about the Word file uploaded just before the meeting ended. */
let lateUpload: { uploadId: string; events: ServerEvent<'documents:upload'>[] };

async function upload(title: string, lines: string[], confidential: boolean): Promise<void> {
  const response = await fetch(`${nodeA}/api/meetings/${meetingId}/documents`, {
    method: 'POST',
    headers: { cookie: cookies['chutri']! },
    body: uploadForm(await vietnameseTextPdf(lines), `${title}.pdf`, { title, confidential: String(confidential) }),
  });
  expect(response.status).toBe(201);
  UploadProgress.parse(await response.json());
}

async function moveTo(status: string): Promise<void> {
  const response = await sendJson('POST', `${nodeA}/api/meetings/${meetingId}/status`, cookies['chutri'], { status });
  expect(response.status, await response.clone().text()).toBe(200);
}

function get(node: string, as: string, path: string): Promise<Response> {
  return fetch(`${node}/api/archive${path}`, { headers: { cookie: cookies[as]! } });
}

async function search(node: string, as: string, params: Record<string, string>): Promise<ArchiveSearchResult> {
  const response = await get(node, as, `?${new URLSearchParams(params)}`);
  expect(response.status).toBe(200);
  return ArchiveSearchResult.parse(await response.json());
}

const found = async (node: string, as: string, params: Record<string, string>) =>
  (await search(node, as, params)).entries.map((entry) => entry.meetingId);

/** Downloads the export, unzips it with the system's unzip, and returns the manifest and every file's bytes. */
async function exportAs(as: string): Promise<{ manifest: DossierManifest; files: Map<string, Buffer>; contentLength: number; bytes: number }> {
  const response = await get(nodeB, as, `/${meetingId}/export.zip`);
  expect(response.status, await response.clone().text().catch(() => '')).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/zip');
  const zip = Buffer.from(await response.arrayBuffer());
  const dir = await mkdtemp(join(tmpdir(), 'ehop-dossier-'));
  try {
    await writeFile(join(dir, 'dossier.zip'), zip);
    execFileSync('unzip', ['-q', join(dir, 'dossier.zip'), '-d', join(dir, 'out')]);
    const listing = execFileSync('unzip', ['-Z1', join(dir, 'dossier.zip')]).toString('utf8').split('\n').filter(Boolean);
    const files = new Map<string, Buffer>();
    for (const name of listing) if (!name.endsWith('/')) files.set(name, await readFile(join(dir, 'out', name)));
    const manifest = DossierManifest.parse(JSON.parse(files.get('manifest.json')!.toString('utf8')));
    return { manifest, files, contentLength: Number(response.headers.get('content-length')), bytes: zip.length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  stack = await startStack();
  nodeA = stack.nodes[0]!.url;
  nodeB = (await stack.addNode()).url;
  for (const username of ['chutri', 'thuky', 'daibieu1', 'daibieu2', 'admin', 'diemcau-tinh']) cookies[username] = await login(nodeA, username);

  await upload('Đề án chuyển đổi số', ['Đề án chuyển đổi số tỉnh Hòa Bình giai đoạn 2026–2030', 'Xây dựng trung tâm dữ liệu dùng chung'], false);
  await upload('Báo cáo mật', ['Phương án bảo vệ bí mật nhà nước về hạ tầng mạng'], true);
  await stack.redis.rPush(
    `meeting:${meetingId}:floor-log`,
    JSON.stringify({
      userId: 'u-daibieu1',
      displayName: 'Lê Minh Tuấn (Huyện Lạc Sơn)',
      unitName: 'UBND huyện Lạc Sơn',
      kind: 'speak',
      agendaItemId: null,
      grantedAt: '2026-03-10T02:00:00.000Z',
      releasedAt: '2026-03-10T02:03:00.000Z',
      durationSec: 180,
      endedBy: 'speaker',
    }),
  );
  const votes = new VoteRepository(stack.redis, new BallotSealer(DEV_BALLOT_SECRET), pino({ level: 'silent' }));
  const definition: VoteDefinition = {
    id: 'v-archive',
    meetingId,
    agendaItemId: 'a-1',
    question: 'Thông qua đề án?',
    options: [
      { id: 'agree', label: 'Đồng ý' },
      { id: 'disagree', label: 'Không đồng ý' },
    ],
    secret: false,
    chairVotes: false,
    passingRule: 'majority_of_all',
    openedAt: new Date().toISOString(),
    closesAt: null,
  };
  await votes.create(definition, ['u-daibieu1']);
  expect(await votes.cast(definition, 'u-daibieu1', 'agree')).toBe('ok');
  await votes.close(meetingId, 'v-archive', new Date().toISOString());

  await storeFinishedRecording(stack.dataDir, meetingId, 'rec-phien-1', RECORDING_BYTES);

  await moveTo('in_progress');
  // A Word file still converting when the meeting ends (LibreOffice takes seconds to start).
  const socket = await connectSocket(nodeA, cookies['thuky']);
  const events = collectEvents(socket, 'documents:upload');
  const queued = await fetch(`${nodeA}/api/meetings/${meetingId}/documents`, {
    method: 'POST',
    headers: { cookie: cookies['thuky']! },
    body: uploadForm(await wordDocument('Phụ lục nộp muộn'), 'Phụ lục nộp muộn.docx'),
  });
  expect(queued.status).toBe(202);
  lateUpload = { uploadId: UploadProgress.parse(await queued.json()).uploadId, events };
  await moveTo('ended');
});
afterAll(async () => {
  closeAllSockets();
  await stack?.stop();
});

describe('archive search', () => {
  it('finds the ended meeting through the other node by a word of its document, without diacritics', async () => {
    // Node B hears of the new record by pub/sub: wait for it rather than for a fixed time.
    await waitFor(async () => (await found(nodeB, 'thuky', { q: 'trung tam du lieu' })).includes(meetingId));
    const result = await search(nodeB, 'thuky', { q: 'trung tam du lieu' });
    expect(result.entries[0]).toMatchObject({ meetingId, title: 'Họp chuyên đề chuyển đổi số cấp tỉnh' });
    expect(result.entries[0]!.snippet?.text).toContain('trung tâm dữ liệu');
    expect(await found(nodeA, 'daibieu1', { q: 'chuyển đổi số', scope: 'title' })).toEqual([meetingId]);
    // Its units are those of its members: the province and Lạc Sơn district, not Ân Nghĩa commune.
    expect((await search(nodeA, 'daibieu1', {})).units.map((unit) => unit.id).sort()).toEqual(['huyen-lac-son', 'tinh-hoa-binh']);
    expect(await found(nodeA, 'daibieu1', { unitId: 'huyen-lac-son' })).toEqual([meetingId]);
    expect(await found(nodeA, 'daibieu1', { unitId: 'xa-an-nghia' })).toEqual([]);
  });

  it('lists a meeting only to its members and administrators', async () => {
    await waitFor(async () => (await found(nodeB, 'admin', { q: 'chuyen doi so' })).includes(meetingId));
    expect(await found(nodeA, 'daibieu2', { q: 'chuyen doi so' })).toEqual([]);
    expect(await found(nodeA, 'daibieu2', {})).not.toContain(meetingId);
  });

  it('keeps the archive across a restart: a node started now builds its index from Redis', async () => {
    const fresh = await stack.addNode();
    expect(await found(fresh.url, 'daibieu1', { q: 'du lieu dung chung' })).toEqual([meetingId]);
  });

  it('refuses malformed queries with invalid_payload', async () => {
    for (const query of ['?from=10-03-2026', '?from=2026-03-02&to=2026-03-01', `?q=${'a'.repeat(201)}`, '?q=a&q=b', '?limit=1000', '?unitId=a:b', '?secret=1']) {
      const response = await get(nodeA, 'thuky', query);
      expect(response.status, query).toBe(400);
      expect(await errorCode(response)).toBe('invalid_payload');
    }
    expect(await errorCode(await get(nodeA, 'thuky', '/bad:id'))).toBe('invalid_payload');
    expect((await fetch(`${nodeA}/api/archive?q=x`)).status).toBe(401);
  });
});

describe('dossier', () => {
  it('is refused to a non-member, viewed or exported', async () => {
    for (const path of [`/${meetingId}`, `/${meetingId}/export.zip`]) {
      const response = await get(nodeA, 'daibieu2', path);
      expect(response.status, path).toBe(403);
      expect(response.headers.get('content-type')).not.toBe('application/zip');
    }
    // A meeting that has not ended has no dossier yet.
    expect((await get(nodeA, 'daibieu2', `/${DEMO_MEETING_ID}`)).status).toBe(404);
  });

  it('lists its parts: documents, attendance, speakers log and vote results; the confidential one not for the delegate’s ZIP', async () => {
    const response = await get(nodeA, 'daibieu1', `/${meetingId}`);
    expect(response.status).toBe(200);
    const dossier = Dossier.parse(await response.json());
    expect(dossier.myRole).toBe('delegate');
    expect(dossier.parts.map((part) => [part.kind, part.fileName, part.inZip])).toEqual([
      ['document', 'tai-lieu/Đề án chuyển đổi số.pdf', true],
      ['document', 'tai-lieu/Báo cáo mật.pdf', false],
      ['attendance', 'diem-danh.csv', true],
      ['speakers', 'nhat-ky-phat-bieu.csv', true],
      ['votes', 'bieu-quyet/bieu-quyet-01.csv', true],
      ['recording', 'ghi-hinh/ghi-hinh-2026-11-27-1500.mkv', true],
    ]);
  });

  it('exports a ZIP whose manifest SHA-256 and sizes match the bytes of its files', async () => {
    const { manifest, files, contentLength, bytes } = await exportAs('daibieu1');
    expect(contentLength).toBe(bytes);
    expect(manifest.meeting).toMatchObject({ id: meetingId, title: 'Họp chuyên đề chuyển đổi số cấp tỉnh' });
    expect(manifest.items.map((item) => item.fileName).sort()).toEqual([...files.keys()].filter((name) => name !== 'manifest.json').sort());
    for (const item of manifest.items) {
      const file = files.get(item.fileName)!;
      expect(createHash('sha256').update(file).digest('hex'), item.fileName).toBe(item.sha256);
      expect(file.length, item.fileName).toBe(item.sizeBytes);
    }
    // The delegate never gets the confidential file: listed as withheld, absent from the ZIP.
    expect(manifest.withheld).toEqual([{ kind: 'document', title: 'Báo cáo mật', reason: 'confidential' }]);
    expect([...files.keys()]).not.toContain('tai-lieu/Báo cáo mật.pdf');
    const speakers = files.get('nhat-ky-phat-bieu.csv')!.toString('utf8');
    expect(speakers).toContain('Lê Minh Tuấn (Huyện Lạc Sơn)');
    expect(files.get('bieu-quyet/bieu-quyet-01.csv')!.toString('utf8')).toContain('Thông qua đề án?');
    expect(files.get('diem-danh.csv')!.toString('utf8')).toContain('Trần Thị Mai (Thư ký)');
  });

  it('hands the confidential document to the secretary, who compiles the dossier for the archives', async () => {
    const { manifest, files } = await exportAs('thuky');
    expect(manifest.withheld).toEqual([]);
    const secret = manifest.items.find((item) => item.title === 'Báo cáo mật')!;
    expect(secret.confidential).toBe(true);
    expect(createHash('sha256').update(files.get(secret.fileName)!).digest('hex')).toBe(secret.sha256);
  });
});

describe('an ended meeting’s documents: the record is read-only', () => {
  const documentsUrl = `/api/meetings/${meetingId}/documents`;
  const call = (as: string, method: 'PATCH' | 'DELETE', path: string, body?: unknown) => sendJson(method, `${nodeA}${documentsUrl}${path}`, cookies[as], body);

  /** Everything a change to the documents would touch: records, the list, stored files, and the dossier as exported. */
  async function state() {
    const ids = await stack.redis.zRange(`meeting:${meetingId}:documents`, 0, -1);
    const records = await Promise.all(ids.map((id) => stack.redis.get(`document:${id}`)));
    const files = (await readdir(join(stack.dataDir, 'documents'), { recursive: true })).sort();
    const { manifest } = await exportAs('thuky');
    return { ids, records, files, dossier: manifest.items.map(({ fileName, sha256, title, confidential }) => ({ fileName, sha256, title, confidential })) };
  }

  async function expectEnded(response: Response): Promise<void> {
    expect(response.status).toBe(409);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('meeting_ended');
    expect(error.message).toMatch(/ended.*record.*can no longer be added, changed or deleted/);
  }

  it('refuses adding, renaming, moving, publishing, hiding, marking confidential and deleting with meeting_ended; nothing changes', async () => {
    const before = await state();
    // The late Word upload may still be converting in its own work folder: only new ones count.
    const workBefore = await readdir(join(stack.dataDir, 'tmp'));
    const list = DocumentList.parse(await (await fetch(`${nodeA}${documentsUrl}`, { headers: { cookie: cookies['thuky']! } })).json());
    const open = list.documents.find((document) => !document.confidential)!;
    const secret = list.documents.find((document) => document.confidential)!;

    for (const as of ['thuky', 'chutri']) {
      await expectEnded(await fetch(`${nodeA}${documentsUrl}`, { method: 'POST', headers: { cookie: cookies[as]! }, body: uploadForm(await multiPagePdf(2), 'Bổ sung.pdf') }));
      await expectEnded(await call(as, 'PATCH', `/${open.id}`, { title: 'Đề án (đã sửa)' }));
      await expectEnded(await call(as, 'PATCH', `/${open.id}`, { agendaItemId: null }));
      await expectEnded(await call(as, 'PATCH', `/${open.id}`, { published: false }));
      await expectEnded(await call(as, 'PATCH', `/${open.id}`, { confidential: true }));
      await expectEnded(await call(as, 'PATCH', `/${secret.id}`, { confidential: false }));
      await expectEnded(await call(as, 'DELETE', `/${open.id}`));
      await expectEnded(await call(as, 'DELETE', `/${secret.id}`));
    }
    // A delegate is refused for the role, as before the end.
    expect((await call('daibieu1', 'DELETE', `/${open.id}`)).status).toBe(403);

    expect(await state()).toEqual(before);
    expect((await readdir(join(stack.dataDir, 'tmp'))).filter((name) => !workBefore.includes(name))).toEqual([]);
  });

  it('drops a conversion that finishes after the end: the uploader is told meeting_ended and the dossier has no such document', async () => {
    const outcome = () => lateUpload.events.find((event) => event.uploadId === lateUpload.uploadId && (event.status === 'ready' || event.status === 'failed'));
    await expect.poll(outcome, { timeout: 90_000, interval: 200 }).toBeTruthy();
    expect(outcome()).toMatchObject({ status: 'failed', error: { code: 'meeting_ended' } });
    expect(outcome()!.error!.message).toMatch(/ended.*record/);
    const { manifest } = await exportAs('thuky');
    expect(manifest.items.map((item) => item.title).join('|')).not.toContain('Phụ lục nộp muộn');
    const list = DocumentList.parse(await (await fetch(`${nodeA}${documentsUrl}`, { headers: { cookie: cookies['thuky']! } })).json());
    expect(list.documents.map((document) => document.title)).not.toContain('Phụ lục nộp muộn');
    await waitFor(async () => (await readdir(join(stack.dataDir, 'tmp'))).length === 0);
  }, 120_000);

  it('keeps a member’s private notes editable (they are not part of the dossier), and the dossier does not change', async () => {
    const before = await state();
    const list = DocumentList.parse(await (await fetch(`${nodeA}${documentsUrl}`, { headers: { cookie: cookies['daibieu1']! } })).json());
    const notesUrl = `${nodeA}${documentsUrl}/${list.documents[0]!.id}/notes`;
    const saved = await sendJson('PUT', `${notesUrl}/text`, cookies['daibieu1'], { text: 'Theo dõi tiến độ sau cuộc họp' });
    expect(saved.status).toBe(200);
    const highlight = await sendJson('POST', `${notesUrl}/annotations`, cookies['daibieu1'], {
      page: 1,
      rect: { x: 0.1, y: 0.1, width: 0.3, height: 0.05 },
      comment: 'xem lại',
    });
    expect(highlight.status, await highlight.clone().text()).toBe(201);
    expect(((await (await fetch(notesUrl, { headers: { cookie: cookies['daibieu1']! } })).json()) as { text: string }).text).toBe('Theo dõi tiến độ sau cuộc họp');
    expect(await state()).toEqual(before);
  });
});

describe('one access rule for every path to a file: the dossier ZIP follows the recordings and documents routes', () => {
  const refusedByRoute = async (as: string, path: string) => (await fetch(`${nodeA}/api/meetings/${meetingId}${path}`, { headers: { cookie: cookies[as]! } })).status;

  it('gives an endpoint account no recording (the recordings route refuses it) and not the confidential document it may only view', async () => {
    expect(await refusedByRoute('diemcau-tinh', '/recordings')).toBe(403);
    expect(await refusedByRoute('diemcau-tinh', '/recordings/rec-phien-1/file')).toBe(403);
    const { manifest, files } = await exportAs('diemcau-tinh');
    expect(manifest.items.map((item) => item.kind)).not.toContain('recording');
    expect([...files.keys()].filter((name) => name.startsWith('ghi-hinh/'))).toEqual([]);
    expect([...files.values()].some((bytes) => bytes.toString('utf8').includes(RECORDING_BYTES))).toBe(false);
    expect(manifest.withheld).toEqual([{ kind: 'document', title: 'Báo cáo mật', reason: 'confidential' }]);
    expect([...files.keys()]).not.toContain('tai-lieu/Báo cáo mật.pdf');
    const dossier = Dossier.parse(await (await get(nodeA, 'diemcau-tinh', `/${meetingId}`)).json());
    expect(dossier.parts.map((part) => part.kind)).not.toContain('recording');
  });

  it('gives an administrator who is not a member no recording and no document (both routes refuse non-members)', async () => {
    expect(await refusedByRoute('admin', '/recordings/rec-phien-1/file')).toBe(403);
    expect(await refusedByRoute('admin', '/documents')).toBe(403);
    const { manifest, files } = await exportAs('admin');
    expect(manifest.items.map((item) => item.kind).filter((kind) => kind === 'recording' || kind === 'document')).toEqual([]);
    expect([...files.keys()].filter((name) => name.startsWith('ghi-hinh/') || name.startsWith('tai-lieu/'))).toEqual([]);
    expect([...files.values()].some((bytes) => bytes.toString('utf8').includes(RECORDING_BYTES))).toBe(false);
    const dossier = Dossier.parse(await (await get(nodeA, 'admin', `/${meetingId}`)).json());
    expect(dossier.myRole).toBeNull();
    expect(dossier.parts.map((part) => part.kind).filter((kind) => kind === 'recording' || kind === 'document')).toEqual([]);
  });

  it('gives the secretary the recording and every document, confidential included, as the routes do', async () => {
    const { manifest, files } = await exportAs('thuky');
    const recording = manifest.items.find((item) => item.kind === 'recording')!;
    expect(recording.fileName).toBe('ghi-hinh/ghi-hinh-2026-11-27-1500.mkv');
    expect(files.get(recording.fileName)!.toString('utf8')).toBe(RECORDING_BYTES);
    expect(manifest.items.filter((item) => item.kind === 'document').map((item) => item.title).sort()).toEqual(['Báo cáo mật', 'Đề án chuyển đổi số']);
    // The same rule on the documents route: the secretary may take the confidential file, a delegate may not.
    const secret = DocumentList.parse(await (await fetch(`${nodeA}/api/meetings/${meetingId}/documents`, { headers: { cookie: cookies['thuky']! } })).json())
      .documents.find((document) => document.confidential)!;
    expect(await refusedByRoute('thuky', `/documents/${secret.id}/download`)).toBe(200);
    expect(await refusedByRoute('daibieu1', `/documents/${secret.id}/download`)).toBe(403);
    expect(await refusedByRoute('thuky', '/recordings/rec-phien-1/file')).toBe(200);
  });
});
