import type { AgendaItem } from '@ehop/protocol';

export interface AgendaOption {
  id: string;
  /** "2. Title" for an item, "2.1. Title" for a sub-item. */
  label: string;
}

/** The agenda as a flat list of choices, numbered as the agenda panel numbers them. */
export function agendaOptions(items: readonly AgendaItem[]): AgendaOption[] {
  return items.flatMap((item, index) => [
    { id: item.id, label: `${index + 1}. ${item.title}` },
    ...item.children.map((child, childIndex) => ({ id: child.id, label: `${index + 1}.${childIndex + 1}. ${child.title}` })),
  ]);
}
