import type { HighlightRect } from '@ehop/protocol';

/*
 * Pure geometry and text layout for the notes export, kept apart from pdf-lib so it can be
 * tested with plain numbers.
 */

/** A rectangle in PDF user space (origin bottom-left, in points). */
export interface PdfBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where a highlight drawn on the page as the viewer showed it (fractions from the top-left of
 * the displayed, possibly rotated page) lies in the page's own, unrotated coordinates. `box` is
 * the page's crop box, which is what pdf.js displays; `rotation` is the page's /Rotate.
 */
export function highlightBox(rect: HighlightRect, box: PdfBox, rotation: number): PdfBox {
  const { x, y, width: w, height: h } = rect;
  switch (normalizeRotation(rotation)) {
    case 90:
      // Shown turned clockwise: the view's left-to-right runs up the page, top-to-bottom runs right.
      return { x: box.x + y * box.width, y: box.y + x * box.height, width: h * box.width, height: w * box.height };
    case 180:
      return { x: box.x + (1 - x - w) * box.width, y: box.y + y * box.height, width: w * box.width, height: h * box.height };
    case 270:
      return { x: box.x + (1 - y - h) * box.width, y: box.y + (1 - x - w) * box.height, width: h * box.width, height: w * box.height };
    default:
      return { x: box.x + x * box.width, y: box.y + (1 - y - h) * box.height, width: w * box.width, height: h * box.height };
  }
}

export function normalizeRotation(rotation: number): 0 | 90 | 180 | 270 {
  const turned = (((Math.round(rotation / 90) * 90) % 360) + 360) % 360;
  return turned as 0 | 90 | 180 | 270;
}

/**
 * Breaks `text` into lines no wider than `maxWidth` as measured by `measure`: at spaces where
 * possible, inside a word only when the word alone is too wide. Blank lines are kept.
 */
export function wrapText(text: string, measure: (line: string) => number, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      const candidate = line ? `${line} ${word}` : word;
      if (measure(candidate) <= maxWidth) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = '';
      for (const piece of splitLongWord(word, measure, maxWidth)) {
        if (line) lines.push(line);
        line = piece;
      }
    }
    lines.push(line);
  }
  return lines;
}

function splitLongWord(word: string, measure: (line: string) => number, maxWidth: number): string[] {
  if (measure(word) <= maxWidth) return [word];
  const pieces: string[] = [];
  let piece = '';
  // By code point, so a Vietnamese letter with its marks (precomposed) is never cut in half.
  for (const char of word) {
    if (piece && measure(piece + char) > maxWidth) {
      pieces.push(piece);
      piece = '';
    }
    piece += char;
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/**
 * Where a highlight's comment goes on an upright page: just below the highlight, or above it
 * when there is no room below; never off the page.
 */
export function commentPlacement(
  highlight: PdfBox,
  page: PdfBox,
  textHeight: number,
  gap: number,
): { x: number; top: number } {
  const below = highlight.y - gap;
  const top = below - textHeight >= page.y ? below : Math.min(highlight.y + highlight.height + gap + textHeight, page.y + page.height);
  return { x: Math.max(page.x, highlight.x), top };
}
