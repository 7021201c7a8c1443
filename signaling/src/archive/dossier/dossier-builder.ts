import type { DossierPart } from '@ehop/protocol';
import type { DossierContext, DossierItem, DossierProvider } from './dossier-item.js';
import { uniqueNames } from './file-names.js';
import { manifestItem } from './manifest.js';

/** A collected dossier: every item, and which of them go into the caller's ZIP. */
export interface CollectedDossier {
  items: DossierItem[];
  /** Items the caller takes away in the ZIP. */
  exported: DossierItem[];
  /** Confidential items listed for the caller but not handed over. */
  withheld: DossierItem[];
}

/**
 * Asks every provider in order (minutes first, as a dossier reads) and gives each file a unique
 * name. Who gets what is not decided here: each provider applies its feature's own access rule
 * (the one its routes use) and marks what the caller may list but not take.
 */
export async function collectDossier(providers: readonly DossierProvider[], context: DossierContext): Promise<CollectedDossier> {
  const perProvider = await Promise.all(providers.map((provider) => provider.items(context)));
  const all = perProvider.flat();
  const names = uniqueNames(all.map((item) => item.fileName));
  const items = all.map((item, index) => ({ ...item, fileName: names[index]! }));
  return {
    items,
    exported: items.filter((item) => !item.withheld),
    withheld: items.filter((item) => item.withheld),
  };
}

/** An item as the dossier view lists it. */
export function toPart(item: DossierItem, inZip: boolean): DossierPart {
  return { ...manifestItem(item), inZip, documentId: item.documentId };
}
