import { describe, expect, it } from 'vitest';
import { HighlightRect, MAX_NOTE_TEXT_LENGTH, NewAnnotation, NoteTextUpdate, type Annotation } from '@ehop/protocol';
import { commentPlacement, highlightBox, normalizeRotation, wrapText } from '../src/notes/notes-layout.js';
import { sortAnnotations } from '../src/notes/notes-repository.js';
import { exportFileName, exportPlan, requirePageOf } from '../src/notes/notes-service.js';

const A4 = { x: 0, y: 0, width: 600, height: 800 };
const rect = { x: 0.1, y: 0.2, width: 0.3, height: 0.05 };

describe('a highlight on the PDF page', () => {
  it('on an upright page: measured from the top-left, stored from the bottom-left', () => {
    expect(highlightBox(rect, A4, 0)).toEqual({ x: 60, y: 600, width: 180, height: 40 });
  });

  it('follows a crop box that does not start at the origin', () => {
    expect(highlightBox(rect, { x: 10, y: 20, width: 600, height: 800 }, 0)).toEqual({ x: 70, y: 620, width: 180, height: 40 });
  });

  it('on pages shown turned, lands where the reader saw it', () => {
    // Each case: the displayed top-left corner of the page maps to the stated unrotated corner.
    const corner = { x: 0, y: 0, width: 0.1, height: 0.1 };
    expect(highlightBox(corner, A4, 90)).toMatchObject({ x: 0, y: 0 }); // bottom-left
    expect(highlightBox(corner, A4, 180)).toMatchObject({ x: 540, y: 0 }); // bottom-right
    const at270 = highlightBox(corner, A4, 270);
    expect(at270.x + at270.width).toBeCloseTo(600); // top-right
    expect(at270.y + at270.height).toBeCloseTo(800);
    // Turned a quarter, the displayed width runs along the page's height.
    expect(highlightBox(rect, A4, 90)).toMatchObject({ width: 30, height: 240 });
  });

  it('normalizes any multiple of 90 degrees', () => {
    expect([0, 90, -90, 450, 540, 720].map(normalizeRotation)).toEqual([0, 90, 270, 90, 180, 0]);
  });

  it('puts the comment below the highlight, or above it at the foot of the page', () => {
    expect(commentPlacement({ x: 60, y: 600, width: 180, height: 40 }, A4, 30, 2)).toEqual({ x: 60, top: 598 });
    expect(commentPlacement({ x: 60, y: 10, width: 180, height: 40 }, A4, 30, 2)).toEqual({ x: 60, top: 82 });
  });
});

describe('wrapping text for the PDF', () => {
  const byLetters = (line: string) => [...line].length; // one unit per character

  it('breaks at spaces and keeps paragraphs and blank lines', () => {
    expect(wrapText('Ủy ban nhân dân tỉnh\n\nNghị quyết', byLetters, 10)).toEqual(['Ủy ban', 'nhân dân', 'tỉnh', '', 'Nghị quyết']);
  });

  it('cuts a word longer than the line between letters, never inside one', () => {
    expect(wrapText('abcdefghijkl ngắn', byLetters, 5)).toEqual(['abcde', 'fghij', 'kl', 'ngắn']);
  });
});

describe('the rules of notes', () => {
  it('exports a confidential document as notes only, stamped; others with their pages', () => {
    expect(exportPlan({ confidential: true })).toEqual({ includePages: false, watermark: true });
    expect(exportPlan({ confidential: false })).toEqual({ includePages: true, watermark: false });
  });

  it('refuses a highlight past the last page', () => {
    expect(() => requirePageOf({ pageCount: 3 }, 4)).toThrow(expect.objectContaining({ code: 'invalid_payload' }));
    expect(() => requirePageOf({ pageCount: 3 }, 3)).not.toThrow();
  });

  it('names the export after the document, without characters a file name cannot hold', () => {
    expect(exportFileName('Báo cáo: quý 3/2026.pdf')).toBe('ghi-chu - Báo cáo  quý 3 2026.pdf');
  });

  it('lists highlights by page, then top to bottom', () => {
    const make = (id: string, page: number, y: number): Annotation => ({
      id,
      page,
      rect: { x: 0, y, width: 0.1, height: 0.1 },
      comment: '',
      createdAt: '2026-11-27T10:00:00.000Z',
      updatedAt: '2026-11-27T10:00:00.000Z',
    });
    expect(sortAnnotations([make('c', 2, 0.1), make('b', 1, 0.5), make('a', 1, 0.2)]).map((a) => a.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('notes payloads', () => {
  it('keep a highlight on the page', () => {
    expect(HighlightRect.safeParse({ x: 0.5, y: 0.5, width: 0.5, height: 0.5 }).success).toBe(true);
    expect(HighlightRect.safeParse({ x: 0.6, y: 0.5, width: 0.5, height: 0.2 }).success).toBe(false);
    expect(HighlightRect.safeParse({ x: -0.1, y: 0, width: 0.2, height: 0.2 }).success).toBe(false);
    expect(HighlightRect.safeParse({ x: 0.1, y: 0.1, width: 0, height: 0.2 }).success).toBe(false);
  });

  it('limit the length of notes and comments', () => {
    expect(NoteTextUpdate.safeParse({ text: 'a'.repeat(MAX_NOTE_TEXT_LENGTH) }).success).toBe(true);
    expect(NoteTextUpdate.safeParse({ text: 'a'.repeat(MAX_NOTE_TEXT_LENGTH + 1) }).success).toBe(false);
    expect(NewAnnotation.safeParse({ page: 1, rect, comment: 'x'.repeat(1001) }).success).toBe(false);
    expect(NewAnnotation.parse({ page: 2, rect })).toEqual({ page: 2, rect, comment: '' });
  });
});
