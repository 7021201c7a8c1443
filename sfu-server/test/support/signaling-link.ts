import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  SfuEvent,
  SfuRequest,
  SfuRequestName,
  SfuResponse,
  SfuToSignalingEvents,
  SignalingToSfuEvents,
} from '@ehop/protocol';

type PeerNotify = SfuEvent<'peer:notify'>;
type RoomLost = SfuEvent<'room:lost'>;

/**
 * What a signaling node does with the SFU, and nothing more: one socket.io connection with the
 * shared secret, requests answered by an Ack, and a log of the events the SFU pushed.
 */
export class SignalingLink {
  readonly notifications: PeerNotify[] = [];
  readonly lostRooms: RoomLost[] = [];
  /** Cut-overs of rooms' main-screen feeds (told to the room at once, not per peer). */
  readonly mainFeedCuts: SfuEvent<'room:mainFeed'>[] = [];
  /** Peers the SFU closed itself because their signaling node lost its lease. */
  readonly closedPeers: SfuEvent<'peers:closed'>[] = [];
  /** Tracks this node sends over links that were paused, resumed or closed (for the far node). */
  readonly linkTrackStates: SfuEvent<'link:trackState'>[] = [];
  /** The layers this node's receivers want of cameras it receives over links (for the cameras' nodes). */
  readonly linkSendLayers: SfuEvent<'link:sendLayers'>[] = [];

  private constructor(private readonly socket: Socket<SfuToSignalingEvents, SignalingToSfuEvents>) {
    socket.on('peer:notify', (event) => this.notifications.push(event));
    socket.on('room:lost', (event) => this.lostRooms.push(event));
    socket.on('room:mainFeed', (event) => this.mainFeedCuts.push(event));
    socket.on('peers:closed', (event) => this.closedPeers.push(event));
    socket.on('link:trackState', (event) => this.linkTrackStates.push(event));
    socket.on('link:sendLayers', (event) => this.linkSendLayers.push(event));
  }

  /** `nodeId`: the signaling node this connection speaks for (the owner of the peers it opens). */
  static connect(url: string, token: string | undefined, nodeId?: string): Promise<SignalingLink> {
    const socket: Socket<SfuToSignalingEvents, SignalingToSfuEvents> = io(url, {
      auth: { ...(token === undefined ? {} : { token }), ...(nodeId === undefined ? {} : { nodeId }) },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new SignalingLink(socket)));
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
  }

  /** Sends a request as signaling would; the payload is `unknown` on purpose so tests can send junk. */
  request<K extends SfuRequestName>(name: K, payload: SfuRequest<K> | Record<string, unknown>): Promise<Ack<SfuResponse<K>>> {
    return (this.socket.timeout(10_000) as unknown as Socket).emitWithAck(name, payload);
  }

  /** Like `request`, but fails the test unless the SFU said ok. */
  async ok<K extends SfuRequestName>(name: K, payload: SfuRequest<K>): Promise<SfuResponse<K>> {
    const result = await this.request(name, payload);
    if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
    return result.data;
  }

  /** Waits until `count` notifications for `peerId` matching `event` have arrived. */
  async waitForNotifications(
    peerId: string,
    event: PeerNotify['notification']['event'],
    count = 1,
    timeoutMs = 5_000,
  ): Promise<PeerNotify[]> {
    return waitUntil(() => {
      const matching = this.notificationsFor(peerId, event);
      return matching.length >= count ? matching : undefined;
    }, timeoutMs, `${count} × ${event} for ${peerId}`);
  }

  notificationsFor(peerId: string, event?: PeerNotify['notification']['event']): PeerNotify[] {
    return this.notifications.filter((n) => n.peerId === peerId && (event === undefined || n.notification.event === event));
  }

  /** Resolves when the SFU drops this connection. */
  disconnected(): Promise<void> {
    return new Promise((resolve) => this.socket.once('disconnect', () => resolve()));
  }

  close(): void {
    this.socket.close();
  }
}

export async function waitUntil<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Lets in-flight events arrive, for asserting that something did NOT happen. */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
