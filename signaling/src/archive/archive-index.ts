import MiniSearch, { type SearchOptions } from 'minisearch';
import type { ArchiveSearchQuery, ArchiveUnit } from '@ehop/protocol';
import type { ArchiveRecord } from './archive-repository.js';
import { searchTerms } from './search-text.js';

/** Vietnam has no daylight saving time: a calendar day there is always UTC+7. */
const VIETNAM_OFFSET = '+07:00';
const SEARCH_FIELDS = ['title', 'minutesTerms', 'documentsTerms'] as const;

export interface ArchiveHits {
  records: ArchiveRecord[];
  total: number;
  /** The query's folded words (for the snippets of the records shown); none for a title-only search. */
  terms: string[];
}

/**
 * The full-text index of the archive, in memory on each node (MiniSearch), built from the Redis
 * records. Titles weigh most; every word of the query must be found (AND), the last one also as
 * the beginning of a word (typing "chuyen doi s" already finds "chuyển đổi số").
 */
export class ArchiveIndex {
  private records = new Map<string, ArchiveRecord>();
  private search = newMiniSearch();

  get size(): number {
    return this.records.size;
  }

  /** Adds the record, or replaces the meeting's previous one. */
  upsert(record: ArchiveRecord): void {
    if (this.records.has(record.meetingId)) this.search.replace(record);
    else this.search.add(record);
    this.records.set(record.meetingId, record);
  }

  /** Replaces the whole index; searches keep using the old one until the new one is complete. */
  load(records: Iterable<ArchiveRecord>): void {
    const byId = byMeeting(records);
    const search = newMiniSearch();
    search.addAll([...byId.values()]);
    this.records = byId;
    this.search = search;
  }

  /**
   * The same, a few records at a time with the event loop free in between: indexing 1,000
   * meetings is seconds of CPU on a busy machine, and the node keeps answering meanwhile.
   */
  async loadInBackground(records: Iterable<ArchiveRecord>): Promise<void> {
    const byId = byMeeting(records);
    const search = newMiniSearch();
    await search.addAllAsync([...byId.values()], { chunkSize: 5 });
    this.records = byId;
    this.search = search;
  }

  /**
   * The meetings matching `query` among those in `visible` (null: all, for administrators),
   * best first when there are words to match, newest first otherwise.
   */
  find(query: ArchiveSearchQuery, visible: ReadonlySet<string> | null): ArchiveHits {
    const keep = filterFor(query, visible);
    const terms = searchTerms(query.q);
    const matches =
      terms.length === 0
        ? [...this.records.values()].filter(keep).sort(newestFirst)
        : this.search
            .search(query.q, searchOptions(query, (id) => keep(this.records.get(id)!)))
            .map((result) => this.records.get(result.id as string)!);
    return { records: matches.slice(0, query.limit), total: matches.length, terms: query.scope === 'all' ? terms : [] };
  }

  /** The units of the meetings in `visible`, by name, for the unit filter. */
  unitsOf(visible: ReadonlySet<string> | null): ArchiveUnit[] {
    const units = new Map<string, ArchiveUnit>();
    for (const record of this.records.values()) {
      if (visible && !visible.has(record.meetingId)) continue;
      for (const unit of record.units) units.set(unit.id, unit);
    }
    return [...units.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  }
}

/**
 * The minutes and documents fields hold words already folded and distinct (archive-repository.ts);
 * the title is folded here. Queries are folded by the same function, so "chuyen doi so" and
 * "chuyển đổi số" are the same three words.
 */
function newMiniSearch(): MiniSearch<ArchiveRecord> {
  return new MiniSearch<ArchiveRecord>({
    idField: 'meetingId',
    fields: [...SEARCH_FIELDS],
    extractField: (record, field) => {
      const value = (record as unknown as Record<string, unknown>)[field];
      if (typeof value !== 'string') return value as string;
      return field === 'title' ? searchTerms(value).join(' ') : value;
    },
    tokenize: (text) => (text ? text.split(' ') : []),
    processTerm: (term) => term || null,
    searchOptions: { tokenize: searchTerms },
  });
}

function searchOptions(query: ArchiveSearchQuery, keep: (id: string) => boolean): SearchOptions {
  return {
    fields: query.scope === 'title' ? ['title'] : [...SEARCH_FIELDS],
    combineWith: 'AND',
    prefix: (_term, index, all) => index === all.length - 1,
    boost: { title: 3, minutesTerms: 1.5 },
    filter: (result) => keep(result.id as string),
  };
}

/** The date, unit and access filters as one predicate (the access one first: it is the cheapest). */
function filterFor(query: ArchiveSearchQuery, visible: ReadonlySet<string> | null): (record: ArchiveRecord) => boolean {
  const from = query.from ? Date.parse(`${query.from}T00:00:00${VIETNAM_OFFSET}`) : -Infinity;
  const to = query.to ? Date.parse(`${query.to}T23:59:59.999${VIETNAM_OFFSET}`) : Infinity;
  return (record) => {
    if (visible && !visible.has(record.meetingId)) return false;
    const startsAt = Date.parse(record.startsAt);
    if (startsAt < from || startsAt > to) return false;
    return !query.unitId || record.units.some((unit) => unit.id === query.unitId);
  };
}

function byMeeting(records: Iterable<ArchiveRecord>): Map<string, ArchiveRecord> {
  const byId = new Map<string, ArchiveRecord>();
  for (const record of records) byId.set(record.meetingId, record);
  return byId;
}

function newestFirst(a: ArchiveRecord, b: ArchiveRecord): number {
  return b.startsAt.localeCompare(a.startsAt);
}
