import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSearchResult, Dossier, DossierManifest, UploadProgress } from '@ehop/protocol';
import { DEMO_MEETING_ID, RESTRICTED_MEETING_ID } from '../src/seed/demo-seed.js';
import { VoteRepository } from '../src/votes/vote-repository.js';
import { uploadForm, vietnameseTextPdf } from './support/document-fixtures.js';
import { errorCode, login, sendJson, startStack, waitFor, type TestStack } from './support/harness.js';

/*
 * The restricted demo meeting (chutri, thuky, daibieu1, diemcau-tinh; not daibieu2) gets a public
 * and a confidential document, a speakers log and a closed vote, then ends. Two signaling nodes
 * share one Redis: the meeting is archived through one and searched through the other.
 */
let stack: TestStack;
let nodeA: string;
let nodeB: string;
const cookies: Record<string, string> = {};
const meetingId = RESTRICTED_MEETING_ID;

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
  expect(response.status).toBe(200);
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
  for (const username of ['chutri', 'thuky', 'daibieu1', 'daibieu2', 'admin']) cookies[username] = await login(nodeA, username);

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
  const votes = new VoteRepository(stack.redis);
  await votes.create(
    {
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
      openedAt: new Date().toISOString(),
      closesAt: null,
    },
    ['u-daibieu1'],
  );
  expect(await votes.cast(meetingId, 'v-archive', 'u-daibieu1', 'agree')).toBe('ok');
  await votes.close(meetingId, 'v-archive', new Date().toISOString());

  await moveTo('in_progress');
  await moveTo('ended');
});
afterAll(() => stack?.stop());

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
