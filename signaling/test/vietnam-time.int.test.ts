import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dossier, UploadProgress } from '@ehop/protocol';
import type { RecordingRecord } from '@ehop/recordings';
import { vietnamDateTime } from '../src/format/vietnam-time.js';
import { DEMO_MEETING_ID } from '../src/seed/demo-seed.js';
import { multiPagePdf, uploadForm } from './support/document-fixtures.js';
import { getJson, login, sendJson, startStack, type TestStack } from './support/harness.js';

/*
 * What the server writes for people is in Vietnam time even when the server's own zone is not
 * Vietnam's (here New York, so neither UTC nor UTC+7 by accident): the watermark of a
 * confidential page, and the names of a recording in the dossier.
 */
let stack: TestStack;
let url: string;
const zoneBefore = process.env['TZ'];

beforeAll(async () => {
  process.env['TZ'] = 'America/New_York';
  stack = await startStack();
  url = stack.nodes[0]!.url;
});
afterAll(async () => {
  await stack?.stop();
  if (zoneBefore === undefined) delete process.env['TZ'];
  else process.env['TZ'] = zoneBefore;
});

describe('times the server writes', () => {
  it('stamps a confidential page with the day and minute in Vietnam, the same bytes on every read that day', async () => {
    expect(new Date('2026-12-03T17:30:00Z').getHours()).toBe(12); // the process really runs in New York time
    const chair = await login(url, 'chutri');
    const delegate = await login(url, 'daibieu1');
    const uploaded = await fetch(`${url}/api/meetings/${DEMO_MEETING_ID}/documents`, {
      method: 'POST',
      headers: { cookie: chair },
      body: uploadForm(await multiPagePdf(1), 'Mật.pdf', { confidential: 'true' }),
    });
    const document = UploadProgress.parse(await uploaded.json()).document!;

    const before = vietnamDateTime(new Date());
    const first = Buffer.from(await (await getJson(`${url}/api/meetings/${DEMO_MEETING_ID}/documents/${document.id}/view`, delegate)).arrayBuffer());
    const after = vietnamDateTime(new Date());
    const text = execFileSync('pdftotext', ['-raw', '-', '-'], { input: first }).toString('utf8');
    // pdftotext breaks the slanted line after "TÀI LIỆU".
    const stamp = /TÀI LIỆU\s+MẬT · (\d\d\/\d\d\/\d{4} \d\d:\d\d)/.exec(text)?.[1];
    expect([before, after]).toContain(stamp);
    const again = Buffer.from(await (await getJson(`${url}/api/meetings/${DEMO_MEETING_ID}/documents/${document.id}/view`, delegate)).arrayBuffer());
    expect(again.equals(first)).toBe(true);
  });

  it('names a recording in the dossier by its start in Vietnam time', async () => {
    const chair = await login(url, 'chutri');
    for (const status of ['in_progress', 'ended'] as const) {
      expect((await sendJson('POST', `${url}/api/meetings/${DEMO_MEETING_ID}/status`, chair, { status })).status).toBe(200);
    }
    // 17:30 UTC on 3 December: 00:30 on the 4th in Vietnam, 12:30 on the 3rd in New York.
    await storeFinishedRecording({ id: 'rec-late', startedAt: '2026-12-03T17:30:09.000Z', endedAt: '2026-12-03T18:00:00.000Z' });

    const dossier = Dossier.parse(await (await getJson(`${url}/api/archive/${DEMO_MEETING_ID}`, chair)).json());
    const recording = dossier.parts.find((part) => part.kind === 'recording');
    expect(recording).toMatchObject({
      title: 'Họp trực tuyến UBND tỉnh — phiên demo — ghi hình 04/12/2026 00:30',
      fileName: 'ghi-hinh/ghi-hinh-2026-12-04-0030.mkv',
    });
    const download = await getJson(`${url}/api/meetings/${DEMO_MEETING_ID}/recordings/rec-late/file`, chair);
    expect(download.headers.get('content-disposition')).toContain('ghi-hinh-2026-12-04-0030.mkv');
  });
});

async function storeFinishedRecording({ id, startedAt, endedAt }: { id: string; startedAt: string; endedAt: string }): Promise<void> {
  const dir = join(stack.dataDir, 'recordings', DEMO_MEETING_ID);
  await mkdir(dir, { recursive: true });
  const bytes = 'a finished recording';
  await writeFile(join(dir, `${id}.mkv`), bytes);
  const record: RecordingRecord = {
    id, meetingId: DEMO_MEETING_ID, status: 'finished', startedAt, endedAt, startedBy: 'u-chutri', recorderPid: null, ffmpegPid: null,
    chapters: [], title: 'Họp trực tuyến UBND tỉnh — phiên demo', durationSec: 1791, sizeBytes: bytes.length, sha256: 'ab'.repeat(32), recovered: false, failure: null, gaps: [],
  };
  await writeFile(join(dir, `${id}.json`), JSON.stringify(record));
}
