/** A piece of a text: marked (a matched word) or not. */
export interface TextPart {
  text: string;
  marked: boolean;
}

/**
 * Splits `text` into plain and marked pieces, for `<mark>`: marks are offsets into `text`, in
 * order and not overlapping (the server's archive snippet); out-of-range or overlapping ones are
 * skipped rather than trusted.
 */
export function markedParts(text: string, marks: readonly { start: number; end: number }[]): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const { start, end } of marks) {
    if (start < at || end <= start || end > text.length) continue;
    if (start > at) parts.push({ text: text.slice(at, start), marked: false });
    parts.push({ text: text.slice(start, end), marked: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), marked: false });
  return parts;
}
