import type {
  ClientRequest,
  ClientRequestName,
  ClientResponse,
  ConferenceState,
  FloorMode,
  FloorRequest,
  FloorRequestKind,
  MainScreenSelection,
  MyFloorRequest,
  PeerNetworkQuality,
  UnitGroup,
} from '@ehop/protocol';
import type { AppError } from '../errors.js';
import { toAppError } from '../errors.js';
import { onServerEvent, request } from '../socket.js';
import { clockOffset } from './countdown.js';
import { markJoinStep } from '../media/debug-hook.js';
import { maySpeak, shownMainUserId } from './main-screen.js';

/** Paging through thumbnails quickly sends one view, not one per click. */
const VIEW_DEBOUNCE_MS = 150;

/**
 * The conference as this participant sees it (floor, queue, main screen, network quality), kept
 * current by the server's events. Components read its reactive fields and call its actions; the
 * server checks every action against the caller's role.
 */
export class ConferenceClient {
  state = $state.raw<ConferenceState | null>(null);
  /** The whole queue (chair and secretary only; null for everyone else). */
  queue = $state.raw<FloorRequest[] | null>(null);
  myRequest = $state.raw<MyFloorRequest | null>(null);
  activeSpeakerUserId = $state<string | null>(null);
  unitGroups = $state.raw<UnitGroup[]>([]);
  /** Each endpoint's link, by peer id (chair and secretary only). */
  network = $state.raw<Map<string, PeerNetworkQuality>>(new Map());
  /** How far the server's clock is ahead of ours, for countdowns. */
  clockOffsetMs = $state(0);
  /** An action is on its way: its buttons wait. */
  pending = $state(false);

  private unsubscribers: (() => void)[] = [];
  private queueVersion = -1;
  private myRequestVersion = -1;
  private view: string[] = [];
  private sentView: string | null = null;
  /** Our SFU peer is open: the view is sent to it (and again to each new one). */
  private mediaOpen = false;
  /** No thumbnails were sent to our SFU peer since it opened: the next ones are not debounced. */
  private firstViewPending = true;
  private viewTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly onError: (error: AppError) => void) {}

  /** Listens to the server; call once, before the first `load`. */
  start(): void {
    if (this.unsubscribers.length > 0) return;
    this.unsubscribers = [
      onServerEvent('conference:state', (state) => this.applyState(state)),
      onServerEvent('conference:queue', ({ version, queue }) => {
        if (version < this.queueVersion) return;
        this.queueVersion = version;
        this.queue = queue;
      }),
      onServerEvent('conference:myRequest', ({ version, request: mine }) => {
        if (version < this.myRequestVersion) return;
        this.myRequestVersion = version;
        this.myRequest = mine;
      }),
      onServerEvent('conference:activeSpeaker', ({ userId }) => (this.activeSpeakerUserId = userId)),
      onServerEvent('conference:networkQuality', ({ peers }) => (this.network = new Map(peers.map((peer) => [peer.peerId, peer])))),
    ];
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers = [];
    clearTimeout(this.viewTimer);
  }

  /** The whole picture, each time signaling takes us in (again): broadcasts missed while away are not replayed. */
  async load(): Promise<void> {
    try {
      const snapshot = await request('conference:get', {});
      this.applyState(snapshot.state);
      this.queue = snapshot.queue;
      this.queueVersion = snapshot.state.version;
      this.myRequest = snapshot.myRequest;
      this.myRequestVersion = snapshot.state.version;
      this.activeSpeakerUserId = snapshot.activeSpeakerUserId;
      this.unitGroups = snapshot.unitGroups;
      this.sentView = null;
      this.flushView();
    } catch (error) {
      this.onError(toAppError(error));
    }
  }

  /** Whose camera the main screen shows now. */
  get mainUserId(): string | null {
    return shownMainUserId(this.state, this.activeSpeakerUserId);
  }

  maySpeak(userId: string): boolean {
    return maySpeak(this.state, userId);
  }

  // --- actions ----------------------------------------------------------------------------------

  requestFloor(kind: FloorRequestKind, agendaItemId: string | null = null) {
    return this.act('floor:request', { kind, agendaItemId });
  }

  cancelRequest() {
    return this.act('floor:cancel', {});
  }

  grant(userId: string, speakingTimeSec: number | null) {
    return this.act('floor:grant', { userId, speakingTimeSec });
  }

  release() {
    return this.act('floor:release', {});
  }

  dismiss(userId: string) {
    return this.act('floor:dismiss', { userId });
  }

  setMode(mode: FloorMode) {
    return this.act('floor:setMode', { mode });
  }

  mute(target: { userId: string } | 'all') {
    return this.act('floor:mute', target === 'all' ? { target: 'all' } : { target: 'user', userId: target.userId });
  }

  setMainScreen(selection: MainScreenSelection) {
    return this.act('mainScreen:set', { selection });
  }

  log() {
    return request('floor:log', {});
  }

  /** Our media was opened (again) or lost: a new SFU peer knows no view, so the current one is sent to it. */
  setMediaOpen(open: boolean): void {
    if (open === this.mediaOpen) return;
    this.mediaOpen = open;
    this.sentView = null;
    if (open) this.firstViewPending = true;
    this.flushView();
  }

  /** The thumbnails shown now (peer ids): the server sends only those, at the low layer. */
  setView(peerIds: readonly string[]): void {
    this.view = [...peerIds];
    clearTimeout(this.viewTimer);
    // The first thumbnails after our media (re)opened go at once: the first pictures wait for them.
    if (this.firstViewPending && this.view.length > 0) this.flushView();
    else this.viewTimer = setTimeout(() => this.flushView(), VIEW_DEBOUNCE_MS);
  }

  private flushView(): void {
    const key = JSON.stringify(this.view);
    if (key === this.sentView || !this.state || !this.mediaOpen) return;
    this.sentView = key;
    if (this.view.length > 0) {
      this.firstViewPending = false;
      markJoinStep('thumbnails view sent');
    }
    request('conference:setView', { thumbnails: this.view }).catch((error: unknown) => {
      this.sentView = null;
      this.onError(toAppError(error));
    });
  }

  private async act<K extends ClientRequestName>(name: K, payload: ClientRequest<K>): Promise<ClientResponse<K> | null> {
    this.pending = true;
    try {
      return await request(name, payload);
    } catch (error) {
      this.onError(toAppError(error));
      return null;
    } finally {
      this.pending = false;
    }
  }

  private applyState(state: ConferenceState): void {
    if (this.state && state.version < this.state.version) return;
    this.state = state;
    this.clockOffsetMs = clockOffset(state.serverTime, Date.now());
  }
}
