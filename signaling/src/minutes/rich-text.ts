import type { RichMark, RichNode } from '@ehop/protocol';

/** Small builders of ProseMirror JSON for the skeleton (the same tree the editor produces). */

export type Inline = string | { text: string; bold?: boolean; italic?: boolean };

function textNode(inline: Inline): RichNode | null {
  const piece = typeof inline === 'string' ? { text: inline } : inline;
  if (piece.text === '') return null;
  const marks: RichMark[] = [];
  if (typeof inline !== 'string' && inline.bold) marks.push({ type: 'bold' });
  if (typeof inline !== 'string' && inline.italic) marks.push({ type: 'italic' });
  return marks.length > 0 ? { type: 'text', text: piece.text, marks } : { type: 'text', text: piece.text };
}

export function paragraph(...inlines: Inline[]): RichNode {
  const content = inlines.map(textNode).filter((node) => node !== null);
  return content.length > 0 ? { type: 'paragraph', content } : { type: 'paragraph' };
}

export function heading(level: 2 | 3, text: string): RichNode {
  return { type: 'heading', attrs: { level }, content: [{ type: 'text', text }] };
}

/** `label: value` with the label in bold, as administrative minutes write their facts. */
export function labelled(label: string, value: string): RichNode {
  return paragraph({ text: `${label}: `, bold: true }, value);
}

export function bulletList(items: RichNode[][]): RichNode {
  return { type: 'bulletList', content: items.map((content) => ({ type: 'listItem', content })) };
}

export function orderedList(items: RichNode[][]): RichNode {
  return { type: 'orderedList', attrs: { start: 1 }, content: items.map((content) => ({ type: 'listItem', content })) };
}

export function doc(...content: RichNode[]): RichNode {
  return { type: 'doc', content: content.length > 0 ? content : [paragraph()] };
}
