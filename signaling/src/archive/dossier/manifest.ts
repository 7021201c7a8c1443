import type { ArchiveUnit, DossierManifest, ManifestItem, MeetingRole } from '@ehop/protocol';
import type { DossierItem } from './dossier-item.js';

export interface ManifestInput {
  meeting: {
    id: string;
    title: string;
    startsAt: string;
    location: string;
    archivedAt: string;
    units: ArchiveUnit[];
    members: { userId: string; displayName: string; role: MeetingRole }[];
  };
  exportedBy: { userId: string; displayName: string };
  exportedAt: Date;
  exported: readonly DossierItem[];
  withheld: readonly DossierItem[];
}

/**
 * `manifest.json` of an exported dossier: the meeting, then one entry per file in the ZIP (its
 * kind, title, path, size, media type and SHA-256) and the confidential parts withheld, without
 * their size or hash (a hash of a secret file still lets anyone confirm a guess of its content).
 */
export function buildManifest(input: ManifestInput): DossierManifest {
  return {
    format: 'ehop-dossier/1',
    exportedAt: input.exportedAt.toISOString(),
    exportedBy: input.exportedBy,
    meeting: input.meeting,
    items: input.exported.map(manifestItem),
    withheld: input.withheld.map((item) => ({ kind: item.kind, title: item.title, reason: 'confidential' as const })),
  };
}

export function manifestItem(item: DossierItem): ManifestItem {
  return {
    kind: item.kind,
    title: item.title,
    fileName: item.fileName,
    sizeBytes: item.sizeBytes,
    mediaType: item.mediaType,
    sha256: item.sha256,
    confidential: item.confidential,
  };
}

/** Pretty-printed UTF-8: people read it too. */
export function manifestBytes(manifest: DossierManifest): Buffer {
  return Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
}
