import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { richText, type Minutes, type RichDoc } from '@ehop/protocol';
import { DEMO_MEETING_ID, RESTRICTED_MEETING_ID } from '../src/seed/demo-seed.js';
import { closeAllSockets, connectSocket, getJson, login, nextEvent, request, startStack, type TestStack } from './support/harness.js';

/*
 * Minutes over socket.io with a real Redis (AOF on) and a real signaling node, restarted in the
 * middle: who may write, what is refused with nothing changed, the version history, the status
 * steps and the approved PDF (text read back with pdftotext).
 */
const run = promisify(execFile);
let stack: TestStack;
const meeting = { meetingId: DEMO_MEETING_ID };
const MINUTES_KEY = `meeting:${DEMO_MEETING_ID}:minutes`;

beforeAll(async () => {
  stack = await startStack();
  // One finished turn in floor control's log, as the conference feature writes it.
  await stack.redis.rPush(
    `meeting:${DEMO_MEETING_ID}:floor-log`,
    JSON.stringify({
      userId: 'u-daibieu1',
      displayName: 'Lê Minh Tuấn (Huyện Lạc Sơn)',
      unitName: 'Huyện Lạc Sơn',
      kind: 'speak',
      agendaItemId: 'a-bao-cao-ktxh',
      grantedAt: '2026-11-27T01:30:00.000Z',
      releasedAt: '2026-11-27T01:32:05.000Z',
      durationSec: 125,
      endedBy: 'speaker',
    }),
  );
});
afterEach(() => closeAllSockets());
afterAll(async () => {
  await stack?.stop();
});

const url = () => stack.nodes.at(-1)!.url;

async function socketOf(username: string): Promise<Socket> {
  return connectSocket(url(), await login(url(), username));
}

async function ok<T>(ack: Promise<{ ok: true; data: T } | { ok: false; error: unknown }>): Promise<T> {
  const result = await ack;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

function paragraphDoc(text: string): RichDoc {
  return { type: 'doc', content: [{ type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: 'Kết luận' }] }, { type: 'paragraph', content: [{ type: 'text', text }] }] };
}

const storedState = () => stack.redis.hGetAll(MINUTES_KEY);

describe('minutes', () => {
  let sectionId: string;

  it('are made from the skeleton when the secretary opens them, with the speakers log', async () => {
    const delegate = await socketOf('daibieu1');
    expect(await request(delegate, 'minutes:get', meeting)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await stack.redis.exists(MINUTES_KEY)).toBe(0);

    const secretary = await socketOf('thuky');
    const { minutes, permissions } = await ok(request(secretary, 'minutes:get', meeting));
    expect(minutes).toMatchObject({ status: 'draft', revision: 1, heading: { issuingBody: 'ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH', place: 'Hòa Bình' } });
    expect(permissions).toEqual({ edit: true, submit: true, approve: false, returnToDraft: false });
    const item = minutes.sections.find((section) => section.agendaItemId === 'a-bao-cao-ktxh')!;
    expect(richText(item.doc)).toContain('Lê Minh Tuấn (Huyện Lạc Sơn), Huyện Lạc Sơn (08:30, 2 phút 05 giây)');
    sectionId = item.id;

    // A draft is for the chair and the secretary only.
    expect(await request(delegate, 'minutes:get', meeting)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses edits by anyone but the secretary and invalid payloads, with nothing changed', async () => {
    const before = await storedState();
    const chair = await socketOf('chutri');
    const delegate = await socketOf('daibieu1');
    const secretary = await socketOf('thuky');
    const save = { ...meeting, sectionId, baseRevision: 0, doc: paragraphDoc('Giả mạo') };
    expect(await request(chair, 'minutes:saveSection', save)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(delegate, 'minutes:saveSection', save)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const outsider = await socketOf('daibieu2');
    expect(await request(outsider, 'minutes:get', { meetingId: RESTRICTED_MEETING_ID })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const invalid = [
      { ...save, doc: { type: 'doc', content: [{ type: 'script', text: 'alert(1)' }] } },
      { ...save, doc: '<p>html</p>' },
      { ...save, baseRevision: -1 },
      { ...save, sectionId: 'bad id' },
      { meetingId: DEMO_MEETING_ID, sectionId },
    ];
    for (const payload of invalid) {
      expect(await request(secretary, 'minutes:saveSection', payload)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
    expect(await request(secretary, 'minutes:saveSection', { ...save, sectionId: 'no-such-section' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await request(secretary, 'minutes:saveSection', { ...save, baseRevision: 7 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await request(secretary, 'minutes:saveHeading', { ...meeting, heading: { issuingBody: '', number: 'x', place: 'y' } })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    expect(await storedState()).toEqual(before);
  });

  it('keeps what the secretary typed across a signaling restart, one version per save window', async () => {
    const secretary = await socketOf('thuky');
    const chair = await socketOf('chutri');
    const told = nextEvent(chair, 'minutes:changed');
    const first = await ok(request(secretary, 'minutes:saveSection', { ...meeting, sectionId, baseRevision: 0, doc: paragraphDoc('Thống nhất') }));
    expect(await told).toMatchObject({ meetingId: DEMO_MEETING_ID, status: 'draft', revision: first.revision, sectionId });
    const second = await ok(
      request(secretary, 'minutes:saveSection', { ...meeting, sectionId, baseRevision: first.sectionRevision, doc: paragraphDoc('Thống nhất thông qua báo cáo') }),
    );
    expect(second.sectionRevision).toBe(2);
    await ok(request(secretary, 'minutes:saveSection', { ...meeting, sectionId: 'closing', baseRevision: 0, doc: paragraphDoc('Kết thúc lúc 11 giờ') }));

    // Two autosaves of one section in one window are one version; another section is another.
    const { versions } = await ok(request(secretary, 'minutes:versions', meeting));
    expect(versions.map((version) => [version.reason, version.sectionId])).toEqual([
      ['edited', 'closing'],
      ['edited', sectionId],
      ['created', null],
    ]);
    const snapshot = await ok(request(secretary, 'minutes:version', { ...meeting, revision: versions[1]!.revision }));
    expect(richText(snapshot.minutes.sections.find((section) => section.id === sectionId)!.doc)).toContain('Thống nhất thông qua báo cáo');
    expect(richText(snapshot.minutes.sections.find((section) => section.id === 'closing')!.doc)).not.toContain('11 giờ');

    closeAllSockets();
    await stack.nodes[0]!.server.close();
    stack.nodes.shift();
    await stack.addNode();
    const again = await socketOf('thuky');
    const { minutes } = await ok(request(again, 'minutes:get', meeting));
    expect(richText(minutes.sections.find((section) => section.id === sectionId)!.doc)).toContain('Thống nhất thông qua báo cáo');
    expect(minutes.sections.find((section) => section.id === sectionId)!.revision).toBe(2);
  });

  it('go draft -> submitted -> approved; approved minutes refuse every edit and export a Decree 30 PDF', async () => {
    const secretary = await socketOf('thuky');
    const chair = await socketOf('chutri');
    expect(await request(chair, 'minutes:approve', meeting)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await request(chair, 'minutes:submit', meeting)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await ok(request(secretary, 'minutes:saveHeading', { ...meeting, heading: { issuingBody: 'ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH', number: '15/BB-UBND', place: 'Hòa Bình' } }));
    expect((await ok(request(secretary, 'minutes:submit', meeting))).minutes.status).toBe('submitted');
    expect(await request(secretary, 'minutes:saveSection', { ...meeting, sectionId, baseRevision: 2, doc: paragraphDoc('Sửa sau khi gửi') })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(await request(secretary, 'minutes:approve', meeting)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // A blank the skeleton left (the presenter of an item that has none on the agenda) refuses the
    // approval, listed with where it is; nothing changes. (The closing section was rewritten above.)
    const unchanged = await storedState();
    const incomplete = await request(chair, 'minutes:approve', meeting);
    if (incomplete.ok) throw new Error('minutes with a blank were approved');
    expect(incomplete.error).toMatchObject({ code: 'minutes_incomplete' });
    expect(incomplete.error.issues).toEqual([{ path: 'item-a-thao-luan', message: 'Trình bày: …' }]);
    expect(await storedState()).toEqual(unchanged);

    expect((await ok(request(chair, 'minutes:return', meeting))).minutes.status).toBe('draft');
    const discussion = (await ok(request(secretary, 'minutes:get', meeting))).minutes.sections.find((section) => section.id === 'item-a-thao-luan')!;
    await ok(request(secretary, 'minutes:saveSection', { ...meeting, sectionId: discussion.id, baseRevision: discussion.revision, doc: paragraphDoc('Các huyện, xã phát biểu ý kiến.') }));
    await ok(request(secretary, 'minutes:submit', meeting));
    const approved = await ok(request(chair, 'minutes:approve', meeting));
    expect(approved.minutes).toMatchObject({ status: 'approved', approvedBy: 'u-chutri', pdfSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(approved.permissions).toEqual({ edit: false, submit: false, approve: false, returnToDraft: false });

    const before = await storedState();
    const attempts = [
      request(secretary, 'minutes:saveSection', { ...meeting, sectionId, baseRevision: 2, doc: paragraphDoc('Sửa biên bản đã duyệt') }),
      request(secretary, 'minutes:saveHeading', { ...meeting, heading: { issuingBody: 'X', number: '1', place: 'Y' } }),
      request(chair, 'minutes:return', meeting),
      request(chair, 'minutes:approve', meeting),
      request(secretary, 'minutes:submit', meeting),
    ];
    for (const ack of await Promise.all(attempts)) expect(ack.ok).toBe(false);
    expect(await storedState()).toEqual(before);

    // Every member may read and download the approved minutes.
    const delegateCookie = await login(url(), 'daibieu1');
    const response = await getJson(`${url()}/api/meetings/${DEMO_MEETING_ID}/minutes.pdf`, delegateCookie);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const file = join(stack.dataDir, 'downloaded-minutes.pdf');
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
    const { stdout: text } = await run('pdftotext', ['-layout', file, '-']);
    if (process.env['KEEP_MINUTES_PDF']) await writeFile(process.env['KEEP_MINUTES_PDF'], Buffer.from(await (await getJson(`${url()}/api/meetings/${DEMO_MEETING_ID}/minutes.pdf`, delegateCookie)).arrayBuffer()));
    for (const expected of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'ỦY BAN NHÂN DÂN', 'TỈNH HÒA BÌNH', 'Số: 15/BB-UBND', 'BIÊN BẢN', 'THƯ KÝ', 'CHỦ TRÌ', 'Thống nhất thông qua báo cáo']) {
      expect(text).toContain(expected);
    }
    const { stdout: fonts } = await run('pdffonts', [file]);
    expect(fonts).toMatch(/LiberationSerif\s.*yes\s+yes\s+yes/);
    expect(fonts).not.toMatch(/\sno\s/);
    const { stdout: meta } = await run('pdfinfo', ['-meta', file]);
    expect(meta).toContain('<pdfaid:part>2</pdfaid:part>');

    // The PDF is in the content-addressed store under its hash, referenced so document removal keeps it.
    const stored = JSON.parse((await stack.redis.hGet(MINUTES_KEY, 'state'))!) as Minutes;
    expect(await stack.redis.sMembers(`document-blob:${stored.pdfSha256}:documents`)).toEqual([`minutes:${DEMO_MEETING_ID}`]);
  });

  it('refuses the PDF before approval and to strangers', async () => {
    const outsider = await login(url(), 'daibieu2');
    expect((await getJson(`${url()}/api/meetings/${RESTRICTED_MEETING_ID}/minutes.pdf`, outsider)).status).toBe(403);
    expect((await getJson(`${url()}/api/meetings/${DEMO_MEETING_ID}/minutes.pdf`)).status).toBe(401);
    const chair = await login(url(), 'chutri');
    expect((await getJson(`${url()}/api/meetings/${RESTRICTED_MEETING_ID}/minutes.pdf`, chair)).status).toBe(404);
  });
});
