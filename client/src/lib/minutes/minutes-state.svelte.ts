import type { MinutesBlank, Minutes, MinutesHeading, MinutesPermissions, MinutesVersionInfo, RichDoc } from '@ehop/protocol';
import { AppError, toAppError } from '../errors.js';
import { getSocket, onServerEvent, request } from '../socket.js';
import { runExclusively } from '../exclusive-action.js';
import { readLocalDraft, removeLocalDraft, writeLocalDraft } from './local-drafts.js';

export type SaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'error';

/** Quiet time after the last keystroke before a section is saved. */
const DEBOUNCE_MS = 700;
/** A failed save (network, server restarting) is tried again after this. */
const RETRY_MS = 3000;

interface SectionDraft {
  doc: RichDoc;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * The minutes of one meeting in this browser, saved as the secretary types: each section's
 * latest text waits DEBOUNCE_MS, then goes to the server with the revision it was based on; what
 * is typed during a save goes in the next one. A failed save keeps the text and tries again, so a
 * reconnect or a signaling restart loses nothing that was typed.
 */
export class MinutesState {
  minutes = $state.raw<Minutes | null>(null);
  permissions = $state.raw<MinutesPermissions>({ edit: false, submit: false, approve: false, returnToDraft: false });
  saveState = $state<SaveState>('idle');
  lastSavedAt = $state<string | null>(null);
  busy = $state(false);
  loadError = $state<AppError | null>(null);
  versions = $state.raw<MinutesVersionInfo[]>([]);
  /** The blanks the server named when it refused the approval; cleared when the minutes change. */
  refusedBlanks = $state.raw<MinutesBlank[] | null>(null);
  /** Goes up when the minutes are read from the server: editors take the stored text again. */
  generation = $state(0);

  private readonly drafts = new Map<string, SectionDraft>();
  private readonly sectionRevisions = new Map<string, number>();
  private saving = false;

  constructor(
    private readonly meetingId: string,
    private readonly onError: (error: AppError) => void,
  ) {}

  /** Other editors' changes and status steps: read again unless our own edits are pending. */
  subscribe(): () => void {
    const unsubscribe = onServerEvent('minutes:changed', (event) => {
      if (event.meetingId !== this.meetingId || event.revision <= (this.minutes?.revision ?? 0)) return;
      if (!this.hasUnsaved) void this.load();
    });
    // Back after a lost connection (or a signaling restart): send what waits, else read again.
    const socket = getSocket();
    const onConnect = () => void (this.drafts.size > 0 ? this.flush() : this.load());
    socket.on('connect', onConnect);
    return () => {
      unsubscribe();
      socket.off('connect', onConnect);
    };
  }

  async load(): Promise<void> {
    try {
      const view = await request('minutes:get', { meetingId: this.meetingId });
      this.accept(view.minutes, view.permissions);
      this.loadError = null;
    } catch (error) {
      this.loadError = toAppError(error);
    }
  }

  get hasUnsaved(): boolean {
    return this.drafts.size > 0 || this.saving;
  }

  /** The editor changed a section: saved after a quiet moment. */
  edit(sectionId: string, doc: RichDoc): void {
    // An update that changed nothing (e.g. the editor normalising on mount) is not an edit.
    const stored = this.minutes?.sections.find((section) => section.id === sectionId);
    if (!this.drafts.has(sectionId) && stored && JSON.stringify(stored.doc) === JSON.stringify(doc)) return;
    const draft = this.drafts.get(sectionId) ?? { doc, timer: null };
    draft.doc = doc;
    if (draft.timer) clearTimeout(draft.timer);
    draft.timer = setTimeout(() => {
      draft.timer = null;
      void this.flush();
    }, DEBOUNCE_MS);
    this.drafts.set(sectionId, draft);
    writeLocalDraft(this.meetingId, sectionId, { baseRevision: this.sectionRevisions.get(sectionId) ?? 0, doc });
    this.saveState = 'pending';
  }

  /** Saves every waiting section now, one request at a time (their order does not matter). */
  async flush(): Promise<void> {
    if (this.saving) return;
    this.saving = true;
    try {
      for (const [sectionId, draft] of this.drafts) {
        if (draft.timer) continue;
        this.saveState = 'saving';
        const doc = draft.doc;
        const result = await request('minutes:saveSection', {
          meetingId: this.meetingId,
          sectionId,
          baseRevision: this.sectionRevisions.get(sectionId) ?? 0,
          doc,
        });
        this.sectionRevisions.set(sectionId, result.sectionRevision);
        this.lastSavedAt = result.savedAt;
        this.applySaved(sectionId, doc, result.revision, result.sectionRevision);
        // Typed again while saving: keep the newer text for the next round.
        if (this.drafts.get(sectionId)?.doc === doc) {
          this.drafts.delete(sectionId);
          removeLocalDraft(this.meetingId, sectionId);
        } else {
          writeLocalDraft(this.meetingId, sectionId, { baseRevision: result.sectionRevision, doc: this.drafts.get(sectionId)!.doc });
        }
      }
      this.saveState = this.drafts.size === 0 ? 'saved' : 'pending';
    } catch (error) {
      this.failSave(toAppError(error));
    } finally {
      this.saving = false;
    }
    if (this.drafts.size > 0 && [...this.drafts.values()].every((draft) => !draft.timer)) void this.flush();
  }

  saveHeading(heading: MinutesHeading): Promise<boolean> {
    return this.step(() => request('minutes:saveHeading', { meetingId: this.meetingId, heading }));
  }

  submit(): Promise<boolean> {
    return this.step(async () => {
      await this.flush();
      return request('minutes:submit', { meetingId: this.meetingId });
    });
  }

  approve(): Promise<boolean> {
    return this.step(async () => {
      try {
        return await request('minutes:approve', { meetingId: this.meetingId });
      } catch (error) {
        const appError = toAppError(error);
        if (appError.code === 'minutes_incomplete') this.refusedBlanks = appError.issues.map(({ path, message }) => ({ path, text: message }));
        throw appError;
      }
    });
  }

  returnToDraft(): Promise<boolean> {
    return this.step(() => request('minutes:return', { meetingId: this.meetingId }));
  }

  /** A section as the system would build it now (speakers and votes since the minutes were made). */
  async freshSection(sectionId: string): Promise<RichDoc | null> {
    try {
      const { sections } = await request('minutes:skeleton', { meetingId: this.meetingId });
      return sections.find((section) => section.id === sectionId)?.doc ?? null;
    } catch (error) {
      this.onError(toAppError(error));
      return null;
    }
  }

  async loadVersions(): Promise<void> {
    try {
      this.versions = (await request('minutes:versions', { meetingId: this.meetingId })).versions;
    } catch (error) {
      this.onError(toAppError(error));
    }
  }

  async version(revision: number): Promise<Minutes | null> {
    try {
      return (await request('minutes:version', { meetingId: this.meetingId, revision })).minutes;
    } catch (error) {
      this.onError(toAppError(error));
      return null;
    }
  }

  private failSave(error: AppError): void {
    this.saveState = 'error';
    // Refused for good (approved meanwhile, someone else's change, not allowed): show it and
    // read the minutes again; the typed text of a refused section is dropped with the reload.
    if (['conflict', 'forbidden', 'invalid_payload', 'not_found'].includes(error.code)) {
      for (const sectionId of this.drafts.keys()) removeLocalDraft(this.meetingId, sectionId);
      this.drafts.clear();
      this.onError(error);
      void this.load();
      return;
    }
    setTimeout(() => void this.flush(), RETRY_MS);
  }

  private step(action: () => Promise<{ minutes: Minutes; permissions: MinutesPermissions }>): Promise<boolean> {
    return runExclusively(this, this.onError, async () => {
      const view = await action();
      this.accept(view.minutes, view.permissions);
    });
  }

  private applySaved(sectionId: string, doc: RichDoc, revision: number, sectionRevision: number): void {
    const current = this.minutes;
    if (!current) return;
    const sections = current.sections.map((section) => (section.id === sectionId ? { ...section, doc, revision: sectionRevision } : section));
    this.minutes = { ...current, sections, revision: Math.max(current.revision, revision) };
  }

  private accept(minutes: Minutes, permissions: MinutesPermissions): void {
    this.refusedBlanks = null;
    for (const section of minutes.sections) this.sectionRevisions.set(section.id, section.revision);
    this.minutes = permissions.edit ? this.withLocalDrafts(minutes) : minutes;
    this.permissions = permissions;
    this.generation++;
    if (this.drafts.size > 0) void this.flush();
  }

  /** Text typed here but never saved (tab closed, connection down) goes back in, and is saved. */
  private withLocalDrafts(minutes: Minutes): Minutes {
    const sections = minutes.sections.map((section) => {
      if (this.drafts.has(section.id)) return { ...section, doc: this.drafts.get(section.id)!.doc };
      const local = readLocalDraft(this.meetingId, section.id);
      if (!local) return section;
      if (local.baseRevision !== section.revision) {
        removeLocalDraft(this.meetingId, section.id);
        return section;
      }
      this.drafts.set(section.id, { doc: local.doc, timer: null });
      return { ...section, doc: local.doc };
    });
    return { ...minutes, sections };
  }
}
