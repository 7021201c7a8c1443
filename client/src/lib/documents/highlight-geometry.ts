import type { HighlightRect } from '@ehop/protocol';

/**
 * The rectangle between two points dragged on a page of `size` CSS pixels, in fractions of the
 * page (clamped to it), whichever way the drag went: the same words at any zoom.
 */
export function normalizedRect(
  from: { x: number; y: number },
  to: { x: number; y: number },
  size: { width: number; height: number },
): HighlightRect {
  const clampX = (value: number) => Math.min(Math.max(value / size.width, 0), 1);
  const clampY = (value: number) => Math.min(Math.max(value / size.height, 0), 1);
  const left = clampX(Math.min(from.x, to.x));
  const right = clampX(Math.max(from.x, to.x));
  const top = clampY(Math.min(from.y, to.y));
  const bottom = clampY(Math.max(from.y, to.y));
  // Width from the rounded edges, so x + width never passes the page's edge.
  return { x: round(left), y: round(top), width: round(round(right) - round(left)), height: round(round(bottom) - round(top)) };
}

/** Four decimals (a tenth of a millimetre on A4) keep the stored JSON small. */
function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
