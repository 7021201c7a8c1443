import type { PDFDocumentProxy } from 'pdfjs-dist';

export interface SearchHit {
  page: number;
  /** A few words around the first match on the page. */
  snippet: string;
}

const SNIPPET_RADIUS = 40;

/**
 * Finds the pages whose text contains `query`. Matching ignores case and Unicode composition
 * (Vietnamese text may arrive precomposed or with combining marks), but not diacritics:
 * "hòa" does not match "hoa".
 */
export class TextSearch {
  private readonly pageTexts = new Map<number, Promise<string>>();

  constructor(private readonly pdf: PDFDocumentProxy) {}

  async find(query: string, maxHits = 50): Promise<SearchHit[]> {
    const needle = normalize(query.trim());
    if (!needle) return [];
    const hits: SearchHit[] = [];
    for (let page = 1; page <= this.pdf.numPages && hits.length < maxHits; page++) {
      const text = await this.textOf(page);
      const index = normalize(text).indexOf(needle);
      if (index >= 0) hits.push({ page, snippet: snippetAround(text, index, needle.length) });
    }
    return hits;
  }

  private textOf(page: number): Promise<string> {
    let text = this.pageTexts.get(page);
    if (!text) {
      text = this.pdf
        .getPage(page)
        .then((proxy) => proxy.getTextContent())
        .then((content) => content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? ' ' : '') : '')).join('').normalize('NFC'));
      this.pageTexts.set(page, text);
    }
    return text;
  }
}

export function normalize(text: string): string {
  return text.normalize('NFC').toLocaleLowerCase('vi');
}

function snippetAround(text: string, index: number, length: number): string {
  const start = Math.max(0, index - SNIPPET_RADIUS);
  const end = Math.min(text.length, index + length + SNIPPET_RADIUS);
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
}
