import type { Annotation, DocumentNotes, HighlightRect } from '@ehop/protocol';
import type { AppErrorCode } from '../errors.js';
import { toAppError } from '../errors.js';
import { Autosaver, type SaveStatus } from './autosave.js';
import { notesApi } from './notes-api.js';

/** What the notes panel says about saving: the least finished of the text and the comments. */
const STATUS_RANK: Record<SaveStatus, number> = { saved: 0, pending: 1, saving: 2, retrying: 3, failed: 4 };

/**
 * The signed-in person's notes on one document, kept in step with the server: the text and
 * every highlight's comment are autosaved as they are typed; highlights are created and deleted
 * at once. On reload everything comes back from the server.
 */
export class MyNotes {
  loaded = $state(false);
  loadError = $state<AppErrorCode | null>(null);
  text = $state('');
  annotations = $state<Annotation[]>([]);
  /** Per saver (the text and each comment): its status, combined in `saveStatus`. */
  private statuses = $state<Record<string, { status: SaveStatus; error: AppErrorCode | null }>>({});
  private readonly textSaver: Autosaver<string>;
  private readonly commentSavers = new Map<string, Autosaver<string>>();

  constructor(
    private readonly meetingId: string,
    private readonly documentId: string,
  ) {
    this.textSaver = new Autosaver((text) => notesApi.saveText(meetingId, documentId, text), {
      onStatus: (status, error) => this.track('text', status, error),
    });
  }

  /** The overall save state shown to the user. */
  get saveStatus(): { status: SaveStatus; error: AppErrorCode | null } {
    let worst: { status: SaveStatus; error: AppErrorCode | null } = { status: 'saved', error: null };
    for (const entry of Object.values(this.statuses)) if (STATUS_RANK[entry.status] > STATUS_RANK[worst.status]) worst = entry;
    return worst;
  }

  async load(): Promise<void> {
    try {
      const notes: DocumentNotes = await notesApi.get(this.meetingId, this.documentId);
      this.text = notes.text;
      this.annotations = notes.annotations;
      this.loaded = true;
    } catch (error) {
      this.loadError = toAppError(error).code;
    }
  }

  setText(text: string): void {
    this.text = text;
    this.textSaver.change(text);
  }

  async addHighlight(page: number, rect: HighlightRect): Promise<Annotation> {
    const annotation = await notesApi.addAnnotation(this.meetingId, this.documentId, page, rect);
    this.annotations = sortByPlace([...this.annotations, annotation]);
    return annotation;
  }

  setComment(annotationId: string, comment: string): void {
    this.annotations = this.annotations.map((annotation) => (annotation.id === annotationId ? { ...annotation, comment } : annotation));
    this.commentSaver(annotationId).change(comment);
  }

  async remove(annotationId: string): Promise<void> {
    await notesApi.removeAnnotation(this.meetingId, this.documentId, annotationId);
    this.commentSavers.get(annotationId)?.stop();
    this.commentSavers.delete(annotationId);
    delete this.statuses[annotationId];
    this.annotations = this.annotations.filter((annotation) => annotation.id !== annotationId);
  }

  /** Saves what is unsaved now (leaving the document). */
  flush(): Promise<void> {
    return Promise.all([this.textSaver.flush(), ...[...this.commentSavers.values()].map((saver) => saver.flush())]).then(() => undefined);
  }

  /** The page is going away (reload, tab closed): last saves that outlive it. */
  saveOnUnload(): void {
    const text = this.textSaver.unsaved();
    if (text !== undefined) void notesApi.saveText(this.meetingId, this.documentId, text, true).catch(() => undefined);
    for (const [annotationId, saver] of this.commentSavers) {
      const comment = saver.unsaved();
      if (comment !== undefined) void notesApi.saveComment(this.meetingId, this.documentId, annotationId, comment, true).catch(() => undefined);
    }
  }

  stop(): void {
    this.textSaver.stop();
    for (const saver of this.commentSavers.values()) saver.stop();
  }

  private commentSaver(annotationId: string): Autosaver<string> {
    let saver = this.commentSavers.get(annotationId);
    if (!saver) {
      saver = new Autosaver((comment) => notesApi.saveComment(this.meetingId, this.documentId, annotationId, comment), {
        onStatus: (status, error) => this.track(annotationId, status, error),
      });
      this.commentSavers.set(annotationId, saver);
    }
    return saver;
  }

  private track(key: string, status: SaveStatus, error: AppErrorCode | null): void {
    this.statuses = { ...this.statuses, [key]: { status, error } };
  }
}

function sortByPlace(annotations: Annotation[]): Annotation[] {
  return [...annotations].sort((a, b) => a.page - b.page || a.rect.y - b.rect.y || a.createdAt.localeCompare(b.createdAt));
}
