import type { DocumentInfo, DocumentList, PresentationState } from '@ehop/protocol';
import { toAppError, type AppError } from '../errors.js';
import { connectSocket, getSocket, onServerEvent, request } from '../socket.js';
import { documentsApi } from './documents-api.js';

/** Following the presenter, or reading on one's own ("Tự xem"). */
export type ViewMode = 'following' | 'browsing';

export interface DocumentView {
  documentId: string;
  page: number;
  zoom: number;
}

export const MIN_ZOOM = 0.25;
export const MAX_ZOOM = 4;

/**
 * One participant's side of a meeting's papers: the document list, the running presentation
 * and what this participant's viewer shows. Following, the view is the presenter's
 * (document, page, zoom); browsing, it is the participant's own, and `follow()` brings them back.
 * The presenter's page turns go to the server, which checks the role and tells everyone.
 */
export class DocumentRoom {
  list = $state<DocumentList | null>(null);
  presentation = $state<PresentationState | null>(null);
  mode = $state<ViewMode>('following');
  own = $state<DocumentView | null>(null);
  error = $state<AppError | null>(null);
  /** True while the subscription is live (false during a reconnection). */
  connected = $state(false);

  private readonly cleanups: (() => void)[] = [];
  private closed = false;

  constructor(
    readonly meetingId: string,
    readonly userId: string,
  ) {}

  /** What the viewer shows now, or null (nothing opened, nothing presented). */
  get view(): DocumentView | null {
    if (this.mode === 'following' && this.presentation) {
      const { documentId, page, zoom } = this.presentation;
      return { documentId, page, zoom };
    }
    return this.own;
  }

  get viewedDocument(): DocumentInfo | null {
    const id = this.view?.documentId;
    return this.list?.documents.find((document) => document.id === id) ?? null;
  }

  /** This participant is the one presenting, and is looking at the presentation. */
  get presenting(): boolean {
    return this.presentation?.presenterUserId === this.userId && this.mode === 'following';
  }

  async start(): Promise<void> {
    this.cleanups.push(
      onServerEvent('presentation:changed', ({ meetingId, presentation }) => {
        if (meetingId === this.meetingId) this.applyPresentation(presentation);
      }),
      onServerEvent('documents:changed', ({ meetingId }) => {
        if (meetingId === this.meetingId) void this.reload();
      }),
    );
    // After a reconnection the server has forgotten this socket's rooms: subscribe again.
    const socket = getSocket();
    const onConnect = () => void this.subscribe();
    const onDisconnect = () => (this.connected = false);
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    this.cleanups.push(() => socket.off('connect', onConnect), () => socket.off('disconnect', onDisconnect));
    try {
      await Promise.all([this.reload(), connectSocket().then(() => this.subscribe())]);
    } catch (error) {
      this.error = toAppError(error);
    }
  }

  stop(): void {
    this.closed = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    if (getSocket().connected) void request('documents:unsubscribe', { meetingId: this.meetingId }).catch(() => undefined);
  }

  async reload(): Promise<void> {
    try {
      this.list = await documentsApi.list(this.meetingId);
      this.error = null;
    } catch (error) {
      this.error = toAppError(error);
    }
  }

  /** Opens a document to read on one's own (leaves the presenter if one is presenting something else). */
  open(documentId: string): void {
    if (this.presentation?.documentId === documentId) {
      this.mode = 'following';
      return;
    }
    this.own = { documentId, page: 1, zoom: 1 };
    this.mode = 'browsing';
  }

  /** "Tự xem": keep reading here while the presenter moves on. */
  browseFreely(): void {
    if (this.mode === 'browsing') return;
    this.own = this.view ? { ...this.view } : this.own;
    this.mode = 'browsing';
  }

  /** "Theo người trình bày": back to the presenter's document, page and zoom. */
  follow(): void {
    this.mode = 'following';
  }

  /** A page turn by this participant: the presenter moves everyone; anyone else starts browsing. */
  async goTo(page: number): Promise<void> {
    const view = this.view;
    const document = this.viewedDocument;
    if (!view || !document) return;
    const target = Math.min(Math.max(1, page), document.pageCount);
    if (target === view.page) return;
    if (this.presenting) return this.sendUpdate({ page: target });
    this.browseFreely();
    this.own = { ...view, page: target };
  }

  async setZoom(zoom: number): Promise<void> {
    const view = this.view;
    if (!view) return;
    const target = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Math.round(zoom * 100) / 100));
    if (this.presenting) return this.sendUpdate({ page: view.page, zoom: target });
    this.browseFreely();
    this.own = { ...view, zoom: target };
  }

  /** Presents a document from the page this participant is on (if it is that document). */
  async present(documentId: string): Promise<void> {
    const page = this.view?.documentId === documentId ? this.view.page : 1;
    await this.act(async () => {
      const state = await request('presentation:start', { meetingId: this.meetingId, documentId, page, zoom: 1 });
      this.mode = 'following';
      this.applyPresentation(state);
    });
  }

  async stopPresenting(): Promise<void> {
    await this.act(async () => {
      await request('presentation:stop', { meetingId: this.meetingId });
      this.applyPresentation(null);
    });
  }

  async designate(userId: string | null): Promise<void> {
    await this.act(() => request('presentation:designate', { meetingId: this.meetingId, userId }));
  }

  private async sendUpdate(change: { page: number; zoom?: number }): Promise<void> {
    await this.act(async () => this.applyPresentation(await request('presentation:update', { meetingId: this.meetingId, ...change })));
  }

  private async subscribe(): Promise<void> {
    if (this.closed) return;
    try {
      const { presentation } = await request('documents:subscribe', { meetingId: this.meetingId });
      this.connected = true;
      // A fresh state: a restarted server may have counted versions from the start again.
      this.presentation = null;
      this.applyPresentation(presentation);
      await this.reload();
    } catch (error) {
      this.error = toAppError(error);
    }
  }

  private applyPresentation(next: PresentationState | null): void {
    const previous = this.presentation;
    if (next && previous && next.version < previous.version) return; // an older message arriving late
    // A presentation that starts pulls everyone in; page turns only move those following.
    if (next && (!previous || previous.documentId !== next.documentId) && next.presenterUserId !== this.userId) {
      this.mode = 'following';
    }
    if (!next && this.mode === 'following' && previous) this.own = { documentId: previous.documentId, page: previous.page, zoom: previous.zoom };
    this.presentation = next;
  }

  private async act(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
      this.error = null;
    } catch (error) {
      this.error = toAppError(error);
      throw this.error;
    }
  }
}
