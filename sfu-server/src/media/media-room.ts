import type { types } from 'mediasoup';
import {
  RequestError,
  type PeerNotification,
  type RtpCapabilities,
  type SfuResponse,
  type TransportDirection,
} from '@ehop/protocol';
import type { Logger } from '../logger.js';
import { MediaPeer, type ProduceRequest, type TransportSettings } from './media-peer.js';
import { OwnershipIndex } from './ownership.js';
import { everyoneReceivesEveryoneElse, planSubscriptions, type SubscriptionRule } from './subscription-policy.js';

export interface MediaRoomOptions {
  transportSettings: TransportSettings;
  notify: (peerId: string, notification: PeerNotification) => void;
  log: Logger;
  rule?: SubscriptionRule;
}

export type RoomStats = SfuResponse<'room:stats'>;

/**
 * One meeting's media: its router and its peers. This is where the subscription policy is
 * applied: after anything that changes who could receive what (a peer becomes ready, a track is
 * published, a peer leaves) the room asks the policy for a plan and carries it out.
 */
export class MediaRoom {
  private readonly peers = new Map<string, MediaPeer>();
  private readonly ownership = new OwnershipIndex();
  private readonly rule: SubscriptionRule;
  private reconciliation: Promise<void> = Promise.resolve();
  private reconciliationQueued = false;

  constructor(
    readonly id: string,
    private readonly router: types.Router,
    private readonly options: MediaRoomOptions,
  ) {
    this.rule = options.rule ?? everyoneReceivesEveryoneElse;
  }

  get rtpCapabilities(): types.RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  get closed(): boolean {
    return this.router.closed;
  }

  get peerCount(): number {
    return this.peers.size;
  }

  /** Idempotent: a signaling node that reconnects may open the same peer again. */
  openPeer(peerId: string): MediaPeer {
    const existing = this.peers.get(peerId);
    if (existing) return existing;
    const peer = new MediaPeer(peerId, {
      router: this.router,
      ownership: this.ownership,
      transportSettings: this.options.transportSettings,
      notify: (notification) => this.options.notify(peerId, notification),
      log: this.options.log.child({ peerId }),
    });
    this.peers.set(peerId, peer);
    return peer;
  }

  peer(peerId: string): MediaPeer {
    const peer = this.peers.get(peerId);
    if (!peer) throw new RequestError('not_found', `peer ${peerId} is not in room ${this.id}`);
    return peer;
  }

  /** Idempotent. Other peers hear 'media:consumerClosed' for each of its tracks they received. */
  closePeer(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    this.peers.delete(peerId);
    peer.close();
  }

  setRtpCapabilities(peerId: string, rtpCapabilities: RtpCapabilities): void {
    this.peer(peerId).setRtpCapabilities(rtpCapabilities);
    this.scheduleReconciliation();
  }

  async createTransport(peerId: string, direction: TransportDirection): Promise<SfuResponse<'transport:create'>> {
    const options = await this.peer(peerId).createTransport(direction);
    if (direction === 'recv') this.scheduleReconciliation();
    return options;
  }

  async produce(peerId: string, request: ProduceRequest): Promise<string> {
    const producer = await this.peer(peerId).produce(request);
    this.scheduleReconciliation();
    return producer.id;
  }

  stats(): RoomStats {
    const stats: RoomStats = { peers: this.peers.size, transports: 0, producers: 0, consumers: 0 };
    for (const peer of this.peers.values()) {
      const counts = peer.counts();
      stats.transports += counts.transports;
      stats.producers += counts.producers;
      stats.consumers += counts.consumers;
    }
    return stats;
  }

  /** Closes the router, and with it every transport; nobody is notified (signaling asked). */
  close(): void {
    this.peers.clear();
    this.router.close();
  }

  private scheduleReconciliation(): void {
    if (this.reconciliationQueued) return;
    this.reconciliationQueued = true;
    // Deferred past the current request's acknowledgement, so a client learns about its new
    // receive transport before it hears of consumers on it.
    setImmediate(() => {
      this.reconciliation = this.reconciliation
        .then(() => {
          this.reconciliationQueued = false;
          return this.reconcile();
        })
        .catch((error: unknown) => this.options.log.error({ err: error, roomId: this.id }, 'subscription update failed'));
    });
  }

  private async reconcile(): Promise<void> {
    if (this.closed) return;
    const peers = [...this.peers.values()];
    const plan = planSubscriptions(
      peers.map((peer) => ({ peerId: peer.id, ready: peer.ready })),
      peers.flatMap((peer) => peer.publishedTracks()),
      peers.flatMap((peer) => peer.subscriptions()),
      this.rule,
    );
    for (const { subscriberId, producerId } of plan.close) this.peers.get(subscriberId)?.unsubscribe(producerId);
    for (const { subscriberId, producerId } of plan.open) {
      const subscriber = this.peers.get(subscriberId);
      const producer = this.findProducer(producerId);
      if (!subscriber || !producer || producer.closed || this.closed) continue;
      try {
        await subscriber.subscribe(producer);
      } catch (error) {
        // Usually a race with a peer leaving or a track closing while we worked; the next plan
        // starts from what exists then.
        this.options.log.warn({ err: error, roomId: this.id, subscriberId, producerId }, 'could not subscribe');
      }
    }
  }

  private findProducer(producerId: string): types.Producer | undefined {
    for (const peer of this.peers.values()) {
      const producer = peer.producer(producerId);
      if (producer) return producer;
    }
    return undefined;
  }
}
