import type { ArchiveSearchResult, Dossier } from '@ehop/protocol';
import { call } from './api.js';

/** What the archive page's form asks for; empty fields are left out of the query. */
export interface ArchiveFilters {
  q: string;
  scope: 'all' | 'title';
  from: string;
  to: string;
  unitId: string;
}

export const EMPTY_FILTERS: ArchiveFilters = { q: '', scope: 'all', from: '', to: '', unitId: '' };

export function archiveQuery(filters: ArchiveFilters): string {
  const params = new URLSearchParams();
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.scope !== 'all') params.set('scope', filters.scope);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (filters.unitId) params.set('unitId', filters.unitId);
  const query = params.toString();
  return query ? `?${query}` : '';
}

export const archiveApi = {
  search: (filters: ArchiveFilters) => call<ArchiveSearchResult>('GET', `/archive${archiveQuery(filters)}`),
  dossier: (meetingId: string) => call<Dossier>('GET', `/archive/${encodeURIComponent(meetingId)}`),
  /** A plain link: the browser downloads the streamed ZIP itself and shows its progress (exact size sent). */
  exportUrl: (meetingId: string) => `/api/archive/${encodeURIComponent(meetingId)}/export.zip`,
};
