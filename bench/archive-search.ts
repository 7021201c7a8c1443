/**
 * Issue 5 numbers: archive search over 1,000 ended meetings, each with a title, units, minutes
 * text (~400 words) and the text of two documents (~1,500 words each), stored in a real Redis.
 *
 * Measured for a title word, a full-text phrase typed without diacritics, a rare full-text word,
 * a unit filter, a date range and all of them combined:
 *   - `index`: the archive's MiniSearch index in this process (what a request spends searching);
 *   - `http`: GET /api/archive on a running signaling node (session, validation, the caller's
 *     meeting set from Redis, search, JSON) as the secretary, a member of all 1,000 meetings;
 *   - baseline `linear scan`: the same filters and every word as a substring of the same text,
 *     folded (no diacritics, lower case) ahead of time, over the same records in memory.
 * Also: how long a node takes to build its index from Redis when it starts (a restart).
 *
 *   npx tsx bench/archive-search.ts [--meetings 1000] [--runs 200]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ArchiveSearchQuery } from '@ehop/protocol';
import { ArchiveIndex } from '../signaling/dist/archive/archive-index.js';
import { ArchiveRepository, type ArchiveRecord, type ArchiveTexts } from '../signaling/dist/archive/archive-repository.js';
import { foldDiacritics, searchTerms, words } from '../signaling/dist/archive/search-text.js';
import { login, startBenchStack } from './lib/documents-stack.js';
import { formatRow, summarize, TABLE_HEADER } from './lib/latency-table.js';

const { values: args } = parseArgs({ options: { meetings: { type: 'string', default: '1000' }, runs: { type: 'string', default: '200' } } });
const MEETINGS = Number(args.meetings);
const RUNS = Number(args.runs);

/** Deterministic: every run searches the same archive. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}
const random = prng(2026);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const TOPICS = ['ngân sách', 'chuyển đổi số', 'đầu tư công', 'phòng chống thiên tai', 'cải cách hành chính', 'y tế cơ sở', 'giáo dục', 'nông thôn mới', 'quy hoạch đô thị', 'an toàn giao thông'];
const PHRASES = [
  'giải ngân vốn đầu tư công', 'giải phóng mặt bằng', 'thu ngân sách nhà nước', 'dịch vụ công trực tuyến', 'hồ sơ địa chính',
  'kênh mương nội đồng', 'trường học đạt chuẩn', 'trạm y tế xã', 'đường giao thông nông thôn', 'phòng cháy chữa cháy',
  'kết luận của chủ tọa', 'đề nghị các sở ngành', 'tiến độ thực hiện', 'báo cáo tình hình', 'ủy ban nhân dân tỉnh',
  'chỉ đạo điều hành', 'kế hoạch năm', 'nguồn vốn', 'dự án trọng điểm', 'công tác cán bộ', 'sắp xếp đơn vị hành chính',
];
const UNITS = Array.from({ length: 12 }, (_, n) => ({ id: `unit-${n}`, name: `${n < 2 ? 'Sở' : n < 6 ? 'Huyện' : 'Xã'} số ${n}` }));
const RARE_WORD = 'thủy điện';

/** Each meeting talks about a few subjects (6 of the phrases), as real meetings do: a phrase is in about a quarter of them. */
function paragraph(wordCount: number, rare: boolean, subjects: readonly string[]): string {
  const parts: string[] = [];
  let count = 0;
  while (count < wordCount) {
    const phrase = pick(subjects);
    parts.push(`${phrase} số ${Math.floor(random() * 5000)}/QĐ-UBND`);
    count += phrase.split(' ').length + 2;
  }
  if (rare) parts.splice(Math.floor(parts.length / 2), 0, RARE_WORD);
  return parts.join(', ') + '.';
}

type Meeting = Omit<ArchiveRecord, 'minutesTerms' | 'documentsTerms'> & ArchiveTexts;

/** As the archive stores a meeting: the record with the texts' distinct folded words. */
function toRecord({ minutesText, documentsText, ...meeting }: Meeting): ArchiveRecord {
  return { ...meeting, minutesTerms: searchTerms(minutesText).join(' '), documentsTerms: searchTerms(documentsText).join(' ') };
}

function meetings(): Meeting[] {
  const start = Date.parse('2024-01-01T01:00:00Z');
  return Array.from({ length: MEETINGS }, (_, n) => {
    const topic = pick(TOPICS);
    const subjects = Array.from({ length: 6 }, () => pick(PHRASES));
    const startsAt = new Date(start + Math.floor(random() * 3 * 365) * 86_400_000).toISOString();
    return {
      meetingId: `bench-${n}`,
      title: `Họp chuyên đề ${topic} tháng ${1 + (n % 12)}`,
      startsAt,
      location: 'Phòng họp trực tuyến',
      archivedAt: startsAt,
      units: [UNITS[0]!, pick(UNITS), pick(UNITS)].filter((unit, i, all) => all.indexOf(unit) === i),
      minutesText: paragraph(400, false, subjects),
      // About one meeting in 200 mentions the rare word.
      documentsText: `${paragraph(1500, n % 200 === 7, subjects)}\n\n${paragraph(1500, false, subjects)}`,
    };
  });
}

/** The baseline: every record, every time; text folded once at load, so only the scan is measured. */
class LinearScan {
  private readonly rows: { record: Meeting; title: string; text: string; startsAt: number }[];
  constructor(all: Meeting[]) {
    this.rows = all.map((record) => ({
      record,
      title: foldDiacritics(record.title),
      text: foldDiacritics(`${record.title}\n${record.minutesText}\n${record.documentsText}`),
      startsAt: Date.parse(record.startsAt),
    }));
  }
  find(query: ArchiveSearchQuery): number {
    const terms = words(query.q).map(foldDiacritics);
    const from = query.from ? Date.parse(`${query.from}T00:00:00+07:00`) : -Infinity;
    const to = query.to ? Date.parse(`${query.to}T23:59:59.999+07:00`) : Infinity;
    let found = 0;
    for (const row of this.rows) {
      if (row.startsAt < from || row.startsAt > to) continue;
      if (query.unitId && !row.record.units.some((unit) => unit.id === query.unitId)) continue;
      const haystack = query.scope === 'title' ? row.title : row.text;
      if (terms.every((term) => haystack.includes(term))) found++;
    }
    return found;
  }
}

const CASES: { name: string; query: Record<string, string> }[] = [
  { name: 'title word "ngan sach" (title only)', query: { q: 'ngan sach', scope: 'title' } },
  { name: 'full text "giai phong mat bang"', query: { q: 'giai phong mat bang' } },
  { name: 'rare full-text word "thuy dien"', query: { q: 'thuy dien' } },
  { name: 'unit filter', query: { unitId: 'unit-3' } },
  { name: 'date range (3 months)', query: { from: '2025-04-01', to: '2025-06-30' } },
  { name: 'text + unit + date range', query: { q: 'dich vu cong truc tuyen', unitId: 'unit-0', from: '2025-01-01', to: '2025-12-31' } },
];

function time(run: () => unknown): number[] {
  for (let i = 0; i < 10; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function timeAsync(run: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 10; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples;
}

/**
 * undici reuses the health check's idle connection; a node busy indexing may close it just as the
 * login goes out ("other side closed"): one retry on a fresh connection.
 */
async function loginRetrying(url: string): Promise<string> {
  try {
    return await login(url, 'thuky', 'ehop-demo-2026');
  } catch {
    return login(url, 'thuky', 'ehop-demo-2026');
  }
}

const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');

async function main() {
  console.log(`archive search: ${MEETINGS} ended meetings, ${RUNS} runs per case; load average at start: ${load()}`);
  const stack = await startBenchStack();
  try {
    const all = meetings();
    const textChars = all.reduce((sum, meeting) => sum + meeting.minutesText.length + meeting.documentsText.length, 0);
    const repository = new ArchiveRepository(stack.redis as never);
    const foldStarted = performance.now();
    const records = all.map(toRecord);
    const foldMs = performance.now() - foldStarted;
    for (const [n, record] of records.entries()) await repository.save(record, all[n]!);
    await stack.redis.sAdd('user:u-thuky:meetings', all.map((record) => record.meetingId));
    const termChars = records.reduce((sum, record) => sum + record.minutesTerms.length + record.documentsTerms.length, 0);
    console.log(`seeded into Redis: ${all.length} meetings, ${(textChars / 1e6).toFixed(1)} M characters of minutes and document text`);
    console.log(`  -> distinct folded words stored for the index: ${(termChars / 1e6).toFixed(2)} M characters (splitting and folding all texts took ${foldMs.toFixed(0)} ms, once, at archiving)`);

    // A restart: a fresh node builds its index from Redis before it answers.
    const startedAt = performance.now();
    const fresh = await stack.addNode();
    const nodeStartMs = performance.now() - startedAt;
    const rebuild = new ArchiveIndex();
    const rebuildStarted = performance.now();
    const fromRedis: ArchiveRecord[] = [];
    for await (const record of repository.all()) fromRedis.push(record);
    const readMs = performance.now() - rebuildStarted;
    rebuild.load(fromRedis);
    const rebuildMs = performance.now() - rebuildStarted;
    console.log(`index built from Redis in this process: ${rebuildMs.toFixed(0)} ms (read ${readMs.toFixed(0)} ms, index ${(rebuildMs - readMs).toFixed(0)} ms)`);
    const firstSearchStarted = performance.now();
    const firstCookie = await loginRetrying(fresh.url);
    const first = await fetch(`${fresh.url}/api/archive?q=giai+phong+mat+bang`, { headers: { cookie: firstCookie } });
    const firstTotal = ((await first.json()) as { total: number }).total;
    console.log(`a new signaling node: answering after ${nodeStartMs.toFixed(0)} ms (process start included); its first search (login + waiting for its index) ${(performance.now() - firstSearchStarted).toFixed(0)} ms later, ${firstTotal} matches`);

    const index = rebuild;
    const scan = new LinearScan(all);
    const cookie = firstCookie;
    console.log(`\n${TABLE_HEADER}`);
    for (const { name, query } of CASES) {
      const parsed = ArchiveSearchQuery.parse(query);
      const indexTotal = index.find(parsed, null).total;
      const scanTotal = scan.find(parsed);
      const url = `${fresh.url}/api/archive?${new URLSearchParams(query)}`;
      const http = await fetch(url, { headers: { cookie } });
      const httpTotal = ((await http.json()) as { total: number }).total;
      console.log(`${name}: matches index ${indexTotal}, linear scan ${scanTotal}, http ${httpTotal}`);
      console.log(formatRow('  index (MiniSearch, in process, no snippets)', summarize(time(() => index.find(parsed, null)))));
      console.log(formatRow('  http GET /api/archive (secretary)', summarize(await timeAsync(async () => (await fetch(url, { headers: { cookie } })).arrayBuffer()))));
      console.log(formatRow('  baseline: linear scan, pre-folded text', summarize(time(() => scan.find(parsed)))));
    }
    console.log(`\nload average at end: ${load()}`);
  } finally {
    await stack.stop();
  }
}

await main();
