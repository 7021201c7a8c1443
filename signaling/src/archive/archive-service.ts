import type { ArchiveEntry, ArchiveSearchQuery, ArchiveSearchResult, ArchiveUnit, Dossier, User } from '@ehop/protocol';
import type { UnitRepository } from '../accounts/unit-repository.js';
import type { UserRepository } from '../accounts/user-repository.js';
import type { BlobStore } from '../documents/blob-store.js';
import type { DocumentRepository } from '../documents/document-repository.js';
import type { Logger } from '../logger.js';
import type { MeetingRepository, StoredMeeting } from '../meetings/meeting-repository.js';
import { requireArchiveAccess } from './archive-access.js';
import type { ArchiveIndex } from './archive-index.js';
import type { ArchiveRecord, ArchiveRepository, ArchiveTexts } from './archive-repository.js';
import type { DocumentTextExtractor } from './document-text.js';
import type { MinutesArchiveSource } from './dossier/archive-sources.js';
import { searchableDocuments } from './dossier/document-provider.js';
import { collectDossier, toPart } from './dossier/dossier-builder.js';
import type { DossierContext, DossierProvider, Person } from './dossier/dossier-item.js';
import { buildManifest, manifestBytes } from './dossier/manifest.js';
import { dossierZip, type DossierZip } from './dossier/zip-export.js';
import { matchingSentence } from './match-snippet.js';
import { searchTerms } from './search-text.js';

export interface ArchiveServiceDeps {
  meetings: MeetingRepository;
  users: UserRepository;
  units: UnitRepository;
  documents: DocumentRepository;
  blobs: BlobStore;
  records: ArchiveRepository;
  index: ArchiveIndex;
  /** Makes this node's index see a record it just saved (the others hear of it by pub/sub). */
  refreshIndex(meetingId: string): Promise<void>;
  /** Resolves once the index was built from Redis at start. */
  indexReady(): Promise<void>;
  text: DocumentTextExtractor;
  minutes: MinutesArchiveSource;
  /** The dossier's sources, in the order its parts are listed. */
  providers: readonly DossierProvider[];
  logger: Logger;
}

/** The archive: turns ended meetings into searchable records, and opens and exports their dossiers. */
export class ArchiveService {
  constructor(private readonly deps: ArchiveServiceDeps) {}

  /**
   * (Re)writes the meeting's search record: called when it ends, again when its minutes are
   * approved, and for any ended meeting without a record at start.
   */
  async archive(meetingId: string): Promise<ArchiveRecord | null> {
    const { meetings, records, minutes } = this.deps;
    const meeting = await meetings.get(meetingId);
    if (!meeting || meeting.status !== 'ended') return null;
    const previous = await records.get(meetingId);
    const texts: ArchiveTexts = { minutesText: await minutes.text(meetingId), documentsText: await this.documentsText(meetingId) };
    const record: ArchiveRecord = {
      meetingId,
      title: meeting.title,
      startsAt: meeting.startsAt,
      location: meeting.location,
      archivedAt: previous?.archivedAt ?? new Date().toISOString(),
      units: await this.unitsOf(meeting),
      minutesTerms: searchTerms(texts.minutesText).join(' '),
      documentsTerms: searchTerms(texts.documentsText).join(' '),
    };
    await records.save(record, texts);
    await this.deps.refreshIndex(meetingId);
    return record;
  }

  /** Archiving that must not fail its caller (ending a meeting): errors are logged, start-up retries. */
  async archiveQuietly(meetingId: string): Promise<void> {
    try {
      await this.archive(meetingId);
    } catch (error) {
      this.deps.logger.error({ err: error, meetingId }, 'archiving the meeting failed; it is retried at the next start');
    }
  }

  /** Ended meetings without a record (a crash between end and archive, or ended before the archive existed). */
  async reconcile(): Promise<number> {
    let archived = 0;
    for (const meeting of await this.deps.meetings.listAll()) {
      if (meeting.status !== 'ended' || (await this.deps.records.has(meeting.id))) continue;
      await this.archiveQuietly(meeting.id);
      archived++;
    }
    return archived;
  }

  async search(user: User, query: ArchiveSearchQuery): Promise<ArchiveSearchResult> {
    await this.deps.indexReady();
    const visible = user.isAdmin ? null : new Set(await this.deps.meetings.memberMeetingIds(user.id));
    const hits = this.deps.index.find(query, visible);
    const texts = hits.terms.length > 0 ? await this.deps.records.texts(hits.records.map((record) => record.meetingId)) : new Map();
    return {
      entries: hits.records.map((record) => toEntry(record, hits.terms, texts.get(record.meetingId))),
      total: hits.total,
      units: this.deps.index.unitsOf(visible),
    };
  }

  async dossier(user: User, meetingId: string): Promise<Dossier> {
    const { context, record } = await this.open(user, meetingId);
    const collected = await collectDossier(this.deps.providers, context);
    const inZip = new Set(collected.exported);
    return {
      meetingId,
      title: context.meeting.title,
      startsAt: context.meeting.startsAt,
      location: context.meeting.location,
      archivedAt: record.archivedAt,
      units: record.units,
      myRole: context.role,
      parts: collected.items.map((item) => toPart(item, inZip.has(item))),
    };
  }

  async exportZip(user: User, meetingId: string): Promise<DossierZip & { fileName: string }> {
    const { context, record } = await this.open(user, meetingId);
    const collected = await collectDossier(this.deps.providers, context);
    const manifest = buildManifest({
      meeting: {
        id: meetingId,
        title: context.meeting.title,
        startsAt: context.meeting.startsAt,
        location: context.meeting.location,
        archivedAt: record.archivedAt,
        units: record.units,
        members: context.meeting.members.map(({ userId, role }) => ({
          userId,
          role,
          displayName: context.people.get(userId)?.displayName ?? userId,
        })),
      },
      exportedBy: { userId: user.id, displayName: user.displayName },
      exportedAt: new Date(),
      exported: collected.exported,
      withheld: collected.withheld,
    });
    return { ...dossierZip(manifestBytes(manifest), collected.exported), fileName: `ho-so-${meetingId}.zip` };
  }

  private async open(user: User, meetingId: string): Promise<{ context: DossierContext; record: ArchiveRecord }> {
    const { meeting, role } = await requireArchiveAccess(this.deps.meetings, meetingId, user);
    // A meeting that ended while its archiving failed still opens: its record is made now.
    const record = (await this.deps.records.get(meetingId)) ?? (await this.archive(meetingId));
    if (!record) throw new Error(`meeting ${meetingId} could not be archived`);
    return { context: { meeting, role, people: await this.people(meeting) }, record };
  }

  private async people(meeting: StoredMeeting): Promise<Map<string, Person>> {
    const users = await this.deps.users.getMany(meeting.members.map((member) => member.userId));
    const units = await this.deps.units.getMany([...users.values()].map((user) => user.unitId));
    return new Map(
      [...users.values()].map((user) => [user.id, { displayName: user.displayName, unitName: units.get(user.unitId)?.name ?? '' }]),
    );
  }

  /** The units taking part: those invited, and those of the members. */
  private async unitsOf(meeting: StoredMeeting): Promise<ArchiveUnit[]> {
    const users = await this.deps.users.getMany(meeting.members.map((member) => member.userId));
    const ids = new Set([...meeting.invitedUnitIds, ...[...users.values()].map((user) => user.unitId)]);
    const units = await this.deps.units.getMany(ids);
    return [...units.values()].map((unit) => ({ id: unit.id, name: unit.name })).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  }

  /** The text of the published documents (unpublished drafts must not be findable by members who never saw them). */
  private async documentsText(meetingId: string): Promise<string> {
    const documents = searchableDocuments(await this.deps.documents.listForMeeting(meetingId));
    const texts = [];
    for (const document of documents) {
      try {
        // The title is a paragraph of its own: the sentence a search quotes never runs into it.
        texts.push(`${document.title}\n\n${await this.deps.text.textOf(this.deps.blobs.pathOf(document.sha256), document.sha256)}`);
      } catch (error) {
        // One unreadable PDF keeps its title searchable; the rest of the meeting is still archived.
        this.deps.logger.warn({ err: error, documentId: document.id }, 'archive: no text from a document');
        texts.push(document.title);
      }
    }
    return texts.join('\n\n');
  }
}

/** A result as the list shows it, with the sentence that matched (of the minutes first, then of the documents). */
function toEntry(record: ArchiveRecord, terms: readonly string[], texts: ArchiveTexts | undefined): ArchiveEntry {
  const snippet = texts && terms.length > 0 ? matchingSentence([texts.minutesText, texts.documentsText], terms) : null;
  return {
    meetingId: record.meetingId,
    title: record.title,
    startsAt: record.startsAt,
    location: record.location,
    archivedAt: record.archivedAt,
    units: record.units,
    snippet,
  };
}
