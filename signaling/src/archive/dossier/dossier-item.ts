import { createHash } from 'node:crypto';
import type { DossierPartKind, MeetingRole } from '@ehop/protocol';
import type { StoredMeeting } from '../../meetings/meeting-repository.js';

/** Where an item's bytes are: generated in memory (CSV) or a stored file. */
export type DossierContent = { type: 'bytes'; bytes: Buffer } | { type: 'file'; path: string };

/** One part of a dossier, as a provider hands it over: what it is, and where its bytes are. */
export interface DossierItem {
  kind: DossierPartKind;
  title: string;
  /** Path inside the ZIP, with its folder (`tai-lieu/…`); the builder makes names unique. */
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  confidential: boolean;
  /**
   * Listed for the caller but left out of their ZIP: a confidential document they may view but
   * not take (the provider asks the owning feature's rule, e.g. mayTakeDocumentFile).
   */
  withheld: boolean;
  documentId: string | null;
  content: DossierContent;
}

export interface Person {
  displayName: string;
  unitName: string;
}

/** What every provider is told about the dossier being collected. */
export interface DossierContext {
  meeting: StoredMeeting;
  /**
   * The caller's role in the meeting; null for an administrator who is not a member. Providers
   * pass it to the same access rule their feature's routes apply: no path to a file is wider.
   */
  role: MeetingRole | null;
  /** Members (and anyone else the records name) by user id. */
  people: ReadonlyMap<string, Person>;
}

/**
 * One source of dossier parts (documents, attendance, votes…). A provider reads its own feature's
 * storage and returns nothing when the meeting has nothing of its kind, or the caller may not
 * have it; new sources plug in by adding a provider to the list in archive-services.ts.
 */
export interface DossierProvider {
  readonly kind: DossierPartKind;
  items(context: DossierContext): Promise<DossierItem[]>;
}

/** A CSV or other generated file: size and SHA-256 come from the bytes; never withheld. */
export function bytesItem(item: Omit<DossierItem, 'content' | 'sizeBytes' | 'sha256' | 'withheld'>, bytes: Buffer): DossierItem {
  return {
    ...item,
    withheld: false,
    content: { type: 'bytes', bytes },
    sizeBytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

export function displayNameOf(context: DossierContext, userId: string): string {
  return context.people.get(userId)?.displayName ?? userId;
}
