import type { DossierPart, MeetingRole } from '@ehop/protocol';
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
 * Confidential documents leave the system only in the hands of the meeting's chair and secretary:
 * they are the ones who compile the dossier and hand it to the archives (lập hồ sơ, nộp lưu), and
 * everyone else could already only view those documents, watermarked, never download them.
 * Administrators run the system, not the meeting's records, so they get no exception either.
 */
export function mayExportConfidential(role: MeetingRole | null): boolean {
  return role === 'chair' || role === 'secretary';
}

/** Asks every provider in order (minutes first, as a dossier reads) and gives each file a unique name. */
export async function collectDossier(providers: readonly DossierProvider[], context: DossierContext): Promise<CollectedDossier> {
  const perProvider = await Promise.all(providers.map((provider) => provider.items(context)));
  const all = perProvider.flat();
  const names = uniqueNames(all.map((item) => item.fileName));
  const items = all.map((item, index) => ({ ...item, fileName: names[index]! }));
  const takesConfidential = mayExportConfidential(context.role);
  return {
    items,
    exported: items.filter((item) => !item.confidential || takesConfidential),
    withheld: items.filter((item) => item.confidential && !takesConfidential),
  };
}

/** An item as the dossier view lists it. */
export function toPart(item: DossierItem, inZip: boolean): DossierPart {
  return { ...manifestItem(item), inZip, documentId: item.documentId };
}
