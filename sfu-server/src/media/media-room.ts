import type { types } from 'mediasoup';
import {
  RequestError,
  type MainFeedSource,
  type MediaPolicy,
  type MicrophoneTarget,
  type PeerNetworkQuality,
  type LinkTrackState,
  type PeerNotification,
  type RtpCapabilities,
  type SfuResponse,
  type TransportDirection,
} from '@ehop/protocol';
import type { Logger } from '../logger.js';
import { MainFeed, type FeedSource } from './main-feed.js';
import { MediaPeer, receivesRtp, type ProduceRequest, type ProducerData, type TransportSettings } from './media-peer.js';
import { DEFAULT_PEER_LIMITS, type PeerLimits } from './peer-limits.js';
import { OwnershipIndex } from './ownership.js';
import { RecorderTap, type RecorderDestination } from './recorder-tap.js';
import { KeyFrameGate } from './key-frame-gate.js';
import type { RemoteProducerData } from './node-link.js';
import { RemoteTracks } from './remote-tracks.js';
import { RoomLinks } from './room-links.js';
import type { RoomRouters } from './room-routers.js';
import { DEFAULT_LAYER_LINGER_MS, SendLayers } from './send-layers.js';
import {
  conferenceRule,
  DEFAULT_LIMITS,
  MAX_UPCOMING,
  nextRetained,
  planSubscriptions,
  preferLive,
  resolveMainPeer,
  type Delivery,
  type ForwardingLimits,
  type ForwardingState,
  type PublishedTrack,
  type Receiver,
  type SubscriptionRule,
  type WantedSubscription,
} from './subscription-policy.js';

/** Requests in flight to the worker at once while carrying out a plan. */
/** Few enough that a newer plan's first requests do not queue behind many of this one's at the worker. */
const CONCURRENT_UPDATES = 16;
/** Changes that start a stream (the new main screen) sent at the same time. */
const STARTING_AT_ONCE = 48;
/** New consumers by what a person notices first: the main screen, then speech, thumbnails, prepared streams. */
const URGENCY: Record<Delivery, number> = { high: 0, audio: 1, low: 2, paused: 3 };
const byUrgency = (a: WantedSubscription, b: WantedSubscription) => URGENCY[a.delivery] - URGENCY[b.delivery];
/**
 * How long a new receiver's first plan waits for its thumbnails view, which its browser sends
 * together with its capabilities: both its main screen and its thumbnails are then negotiated in
 * one go and share one key frame request. Without the wait the view came a few ms after the first
 * plan had started, and the thumbnails took a second negotiation (bench/join-latency.ts).
 */
const FIRST_VIEW_WAIT_MS = 25;
/** Peers whose network quality is read at the same time (4 stats requests each). */
const NETWORK_READINGS_AT_ONCE = 4;

/**
 * Runs the tasks with at most `limit` at a time. Once `stop()` says so, no further task starts
 * (the ones already started finish); the first `limit` always start, so every run makes progress.
 */
async function inParallel(tasks: (() => Promise<void>)[], limit: number, stop: () => boolean = () => false): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    do await tasks[next++]!();
    while (next < tasks.length && !stop());
  });
  await Promise.all(lanes);
}

export interface MediaRoomOptions {
  /** The WebRtcServer is not in there: it is the peer's worker's (room-routers.ts). */
  transportSettings: TransportSettings;
  notify: (peerId: string, notification: PeerNotification) => void;
  /** The dominant speaker changed (null: nobody speaks any more). */
  onActiveSpeaker?: (speaker: { peerId: string; userId: string } | null) => void;
  /** The main-screen feed cut over: every browser of the room is told at once (peers hear it through `notify` only when they join). */
  onMainFeed?: (source: MainFeedSource) => void;
  log: Logger;
  rule?: SubscriptionRule;
  limits?: ForwardingLimits;
  /** Hears the microphones (on the home router) and names the dominant speaker; optional (tests without one). */
  activeSpeakerObserver?: types.ActiveSpeakerObserver;
  /** Where the recorder's plain transports listen (the recorder runs on this host by default). */
  recorderListenIp?: string;
  /** How long a camera keeps sending a simulcast layer after its last receiver left it. */
  layerLingerMs?: number;
  /** Transports, producers and consumers one peer may hold. */
  peerLimits?: PeerLimits;
  /** Where the room's links to other SFU nodes listen (default 127.0.0.1). */
  linkListenIp?: types.TransportListenIp;
  /** A track this node sends over a link was paused, resumed or closed: signaling relays it to the far node. */
  onLinkTrackState?: (linkId: string, producerId: string, state: LinkTrackState) => void;
  /** This node's receivers want at most this layer of a camera received over a link: signaling relays it to the camera's node. */
  onLinkSendLayers?: (linkId: string, producerId: string, maxSpatialLayer: number) => void;
}

export type RoomStats = SfuResponse<'room:stats'>;

interface PeerView {
  thumbnails: string[];
  retained: string[];
}

/**
 * Until signaling says otherwise nobody may speak and nobody is on the main screen: a room that
 * was just (re)created must not let microphones through before the floor rules reach it.
 */
const CLOSED_POLICY: MediaPolicy = {
  version: 0,
  speakers: { mode: 'listed', userIds: [] },
  main: { userId: null, followActiveSpeaker: false },
  floorHolderUserId: null,
  upcomingUserIds: [],
};

/**
 * One meeting's media: its routers (one per worker it uses, see room-routers.ts) and its peers.
 * This is where the forwarding policy is applied: after anything that changes who should receive
 * what (a peer becomes ready, a track is published, a peer leaves, the floor or the main screen
 * changes, a peer turns a page of thumbnails) the room asks the policy for a plan and carries it
 * out. A track is piped to a receiver's router just before its consumer is made there.
 */
export class MediaRoom {
  private readonly peers = new Map<string, MediaPeer>();
  private readonly views = new Map<string, PeerView>();
  /** Peers that sent their thumbnails view since they opened (the rest still get the empty one). */
  private readonly viewsReceived = new Set<string>();
  /** New receivers whose first plan waits a moment for their view (FIRST_VIEW_WAIT_MS). */
  private readonly waitingForView = new Map<string, NodeJS.Timeout>();
  private readonly recorders = new Map<string, RecorderTap>();
  private readonly ownership = new OwnershipIndex();
  private readonly rule: SubscriptionRule;
  private readonly limits: ForwardingLimits;
  private policy: MediaPolicy = CLOSED_POLICY;
  private activeSpeakerPeerId: string | null = null;
  private mainPeerId: string | null = null;
  /** Whose camera and microphone the feed is told to carry (the target, which may not have cut in yet). */
  private feedTargetUsers: Record<types.MediaKind, string | null> = { video: null, audio: null };
  /** Users whose own picture or voice the feed carries now or is switching to: their feed consumers are held paused. */
  private ownFeedUsers: Record<types.MediaKind, ReadonlySet<string>> = { video: new Set(), audio: new Set() };
  private reconciliation: Promise<void> = Promise.resolve();
  private reconciliationQueued = false;
  /** The main screen as one stream per receiver; null if it could not be opened (cameras are then sent directly). */
  private readonly mainFeed: Promise<MainFeed | null>;
  private readonly sendLayers: SendLayers;
  private readonly keyFrames: KeyFrameGate;
  /** Tracks of peers of other SFU nodes, received over links. */
  private readonly remoteTracks = new RemoteTracks(() => this.scheduleReconciliation());
  /** Links to the other SFU nodes carrying this meeting (node-link.ts). */
  readonly links: RoomLinks;

  constructor(
    readonly id: string,
    /** Its routers, one per worker it uses (read by tests: which worker a peer is on, what was piped). */
    readonly routers: RoomRouters,
    private readonly options: MediaRoomOptions,
  ) {
    this.rule = options.rule ?? conferenceRule;
    this.limits = options.limits ?? DEFAULT_LIMITS;
    const home = routers.home;
    // Before any transport exists: they learn of every camera and consumer from the routers' observers.
    this.sendLayers = new SendLayers(home, {
      tell: (producer, maxSpatialLayer) => this.tellSendLayers(producer, maxSpatialLayer),
      lowerAfterMs: options.layerLingerMs ?? DEFAULT_LAYER_LINGER_MS,
    });
    this.keyFrames = new KeyFrameGate(home);
    routers.onRouter((router) => {
      if (router === home) return;
      this.sendLayers.watch(router);
      this.keyFrames.watchRouter(router);
    });
    // The feed lives on the home router: its sources are piped there (showOnMainFeed), and its two
    // producers are piped to each receiver's router like any track.
    this.mainFeed = MainFeed.open(home, options.log.child({ roomId: id, feed: 'main' }), {
      picture: (carrying) => {
        this.announceMainFeed(carrying);
        this.afterFeedCutOver();
      },
      voice: () => this.afterFeedCutOver(),
    }, this.keyFrames).catch(
      (error: unknown) => {
        options.log.error({ err: error, roomId: id }, 'main-screen feed unavailable: cameras go to the main screens directly');
        return null;
      },
    );
    this.links = new RoomLinks({
      home,
      listenIp: options.linkListenIp ?? { ip: '127.0.0.1' },
      producerAtHome: (producerId) => this.producerAtHome(producerId),
      onReceived: (producer) => {
        this.remoteTracks.add(producer);
        this.watchLiveness(producer);
      },
      onReceivedChanged: () => this.scheduleReconciliation(),
      onTrackState: (linkId, producerId, state) => options.onLinkTrackState?.(linkId, producerId, state),
      onWantedLayers: () => this.sendLayers.refresh(),
    });
    options.activeSpeakerObserver?.on('dominantspeaker', ({ producer }: { producer: types.Producer }) =>
      this.onDominantSpeaker(producer),
    );
  }

  /** Every router of the room has the same (same codecs, same payload types). */
  get rtpCapabilities(): types.RtpCapabilities {
    return this.routers.home.rtpCapabilities;
  }

  get closed(): boolean {
    return this.routers.closed;
  }

  get peerCount(): number {
    return this.peers.size;
  }

  /** Idempotent: a signaling node that reconnects may open the same peer again. */
  openPeer(peerId: string, userId: string = peerId): MediaPeer {
    const existing = this.peers.get(peerId);
    if (existing) return existing;
    const peer = new MediaPeer(peerId, userId, {
      place: () => this.routers.placePeer(peerId),
      ownership: this.ownership,
      transportSettings: this.options.transportSettings,
      limits: this.options.peerLimits ?? DEFAULT_PEER_LIMITS,
      notify: (notification) => this.options.notify(peerId, notification),
      log: this.options.log.child({ peerId }),
      keyFrames: this.keyFrames,
    });
    this.peers.set(peerId, peer);
    this.views.set(peerId, { thumbnails: [], retained: [] });
    // Set at once (it has no consumers yet): a feed consumer it gets later starts held if it must.
    void peer.holdOwnFeed(this.ownFeedOf(userId));
    return peer;
  }

  findPeer(peerId: string): MediaPeer | undefined {
    return this.peers.get(peerId);
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
    this.views.delete(peerId);
    this.viewsReceived.delete(peerId);
    clearTimeout(this.waitingForView.get(peerId));
    this.waitingForView.delete(peerId);
    if (this.activeSpeakerPeerId === peerId) this.activeSpeakerPeerId = null;
    peer.close();
    this.routers.leave(peerId);
    // Its absence may change the main screen (its user's other device takes over).
    this.scheduleReconciliation();
  }

  setRtpCapabilities(peerId: string, rtpCapabilities: RtpCapabilities): void {
    this.peer(peerId).setRtpCapabilities(rtpCapabilities);
    if (this.viewsReceived.has(peerId)) return this.scheduleReconciliation();
    clearTimeout(this.waitingForView.get(peerId));
    this.waitingForView.set(
      peerId,
      setTimeout(() => this.viewCameOrWaited(peerId), FIRST_VIEW_WAIT_MS),
    );
  }

  private viewCameOrWaited(peerId: string): void {
    clearTimeout(this.waitingForView.get(peerId));
    this.waitingForView.delete(peerId);
    this.scheduleReconciliation();
  }

  async createTransport(peerId: string, direction: TransportDirection): Promise<SfuResponse<'transport:create'>> {
    const options = await this.peer(peerId).createTransport(direction);
    if (direction === 'recv') this.scheduleReconciliation();
    return options;
  }

  async createPlainTransport(peerId: string, direction: TransportDirection, remote?: { ip: string; port: number }) {
    const options = await this.peer(peerId).createPlainTransport(direction, remote);
    if (direction === 'recv') this.scheduleReconciliation();
    return options;
  }

  async produce(peerId: string, request: ProduceRequest): Promise<{ producerId: string; paused: boolean }> {
    const peer = this.peer(peerId);
    const producer = await peer.produce(request, this.mayUnmute(peer.userId));
    if (request.source === 'mic') await this.observeSpeaker(producer);
    this.watchLiveness(producer);
    this.scheduleReconciliation();
    return { producerId: producer.id, paused: producer.paused };
  }

  async resumeProducer(peerId: string, producerId: string): Promise<void> {
    const peer = this.peer(peerId);
    await peer.resumeProducer(producerId, this.mayUnmute(peer.userId));
    // In open discussion a microphone that opens is a new stream to forward.
    this.scheduleReconciliation();
  }

  async pauseProducer(peerId: string, producerId: string): Promise<void> {
    await this.peer(peerId).pauseProducer(producerId);
    this.scheduleReconciliation();
  }

  /**
   * Applies the floor and main-screen rules from signaling. Microphones of users who may no
   * longer speak are paused here, on the server. Returns false for a policy older than ours.
   */
  async setPolicy(policy: MediaPolicy): Promise<boolean> {
    if (policy.version < this.policy.version) return false;
    this.options.log.debug({ roomId: this.id, version: policy.version }, 'policy received');
    this.policy = policy;
    // The main screen first: it is what everyone waits for, and it costs the worker a few requests.
    const switching = this.showOnMainFeed(this.publishedTracks());
    for (const peer of this.peers.values()) {
      if (!this.mayUnmute(peer.userId)) await peer.pauseMicrophones();
    }
    this.scheduleReconciliation();
    await switching;
    return true;
  }

  /** The thumbnails a peer shows now; the ones it stops showing are kept paused for a while. */
  setView(peerId: string, thumbnails: readonly string[]): void {
    this.peer(peerId);
    const previous = this.views.get(peerId) ?? { thumbnails: [], retained: [] };
    const unique = [...new Set(thumbnails)].filter((id) => id !== peerId).slice(0, this.limits.maxThumbnails);
    this.views.set(peerId, { thumbnails: unique, retained: nextRetained(previous, unique, this.limits.maxRetained) });
    this.viewsReceived.add(peerId);
    this.viewCameOrWaited(peerId);
  }

  /** Server-side mute or unmute; unmuting only reaches users the policy lets speak. Returns how many changed. */
  async setMicrophones(muted: boolean, who: MicrophoneTarget): Promise<number> {
    const listed = new Set(who.userIds);
    const targeted = [...this.peers.values()].filter((peer) =>
      who.target === 'users' ? listed.has(peer.userId) : !listed.has(peer.userId),
    );
    let changed = 0;
    for (const peer of targeted) {
      if (muted) changed += await peer.pauseMicrophones();
      else if (this.mayUnmute(peer.userId)) changed += await peer.resumeMicrophones();
    }
    this.scheduleReconciliation();
    return changed;
  }

  /** A few peers at a time, so the readings never stand in a long queue before a grant's requests. */
  async networkQuality(): Promise<PeerNetworkQuality[]> {
    const readings: PeerNetworkQuality[] = [];
    const peers = [...this.peers.values()];
    await inParallel(
      peers.map((peer) => async () => {
        if (!this.peers.has(peer.id)) return;
        readings.push({ peerId: peer.id, userId: peer.userId, ...(await peer.linkQuality()) });
      }),
      NETWORK_READINGS_AT_ONCE,
    );
    return readings;
  }

  /** All peers at once: the worker answers the stats requests in one go instead of one peer after another. */
  async traffic(): Promise<SfuResponse<'room:traffic'>> {
    const totals = { consumers: 0, activeConsumers: 0, packetsSent: 0, bytesSent: 0, packetsReceived: 0 };
    const peers = [...this.peers.values()];
    const readings = await Promise.all(peers.map(async (peer) => ({ sent: await peer.traffic(), received: await peer.packetsReceived() })));
    for (const { sent, received } of readings) {
      totals.consumers += sent.consumers;
      totals.activeConsumers += sent.active;
      totals.packetsSent += sent.packetsSent;
      totals.bytesSent += sent.bytesSent;
      totals.packetsReceived += received;
    }
    return totals;
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

  /** Idempotent: a recorder that reconnects gets its codecs again. */
  async openRecorder(recordingId: string, destinations: { video: RecorderDestination; audio: RecorderDestination }) {
    let tap = this.recorders.get(recordingId);
    if (!tap || tap.closed) {
      const listenIp = { ip: this.options.recorderListenIp ?? '127.0.0.1' };
      tap = await RecorderTap.open(recordingId, this.routers.home, listenIp, destinations, this.options.log.child({ recordingId }));
      this.recorders.set(recordingId, tap);
    }
    return tap.codecs();
  }

  async followRecorder(recordingId: string, videoUserId: string | null, audioUserIds: readonly string[]) {
    const tap = this.recorder(recordingId);
    const tracks = this.publishedTracks();
    // The taps live on the home router: the followed users' tracks are piped there first.
    const followed = new Set([videoUserId, ...audioUserIds]);
    await this.pipeHome(tracks.filter((track) => followed.has(track.userId)));
    return tap.follow(tracks, videoUserId, audioUserIds);
  }

  async recorderKeyFrame(recordingId: string): Promise<void> {
    await this.recorder(recordingId).requestKeyFrame();
  }

  closeRecorder(recordingId: string): void {
    this.recorders.get(recordingId)?.close();
    this.recorders.delete(recordingId);
  }

  private recorder(recordingId: string): RecorderTap {
    const tap = this.recorders.get(recordingId);
    if (!tap || tap.closed) throw new RequestError('not_found', `recording ${recordingId} has no tap in room ${this.id}`);
    return tap;
  }

  /** Closes the router, and with it every transport; nobody is notified (signaling asked). */
  close(): void {
    void this.mainFeed.then((feed) => feed?.close());
    this.sendLayers.close();
    this.recorders.clear();
    this.peers.clear();
    this.views.clear();
    for (const timer of this.waitingForView.values()) clearTimeout(timer);
    this.waitingForView.clear();
    this.routers.close();
  }

  private mayUnmute(userId: string): boolean {
    const { speakers } = this.policy;
    return speakers.mode === 'everyone' || speakers.userIds.includes(userId);
  }

  private async observeSpeaker(producer: types.Producer): Promise<void> {
    const observer = this.options.activeSpeakerObserver;
    if (!observer || observer.closed) return;
    try {
      // The observer lives on the home router.
      await this.pipeTo(producer.id, this.routers.home);
      await observer.addProducer({ producerId: producer.id });
    } catch (error) {
      this.options.log.warn({ err: error, producerId: producer.id }, 'active speaker observer refused a microphone');
    }
  }

  private onDominantSpeaker(producer: types.Producer): void {
    const { peerId, userId } = producer.appData as { peerId: string; userId: string };
    if (!this.peers.has(peerId) || peerId === this.activeSpeakerPeerId) return;
    this.activeSpeakerPeerId = peerId;
    this.options.onActiveSpeaker?.({ peerId, userId });
    if (this.policy.main.followActiveSpeaker) this.scheduleReconciliation();
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
        // Whatever got done changed consumers' preferred layers, which mediasoup does not announce.
        .finally(() => this.sendLayers.refresh())
        .catch((error: unknown) => this.options.log.error({ err: error, roomId: this.id }, 'subscription update failed'));
    });
  }

  private async reconcile(): Promise<void> {
    if (this.closed) return;
    const peers = [...this.peers.values()];
    const tracks = this.publishedTracks();
    const feed = await this.showOnMainFeed(tracks);
    const receivers: Receiver[] = peers.map((peer) => ({ peerId: peer.id, userId: peer.userId, ready: peer.ready, ...this.viewOf(peer.id) }));
    const wanted = this.rule(receivers, tracks, this.forwardingState(tracks, feed), this.limits);
    const plan = planSubscriptions(wanted, peers.flatMap((peer) => peer.subscriptions()));
    const startedAt = performance.now();

    for (const { subscriberId, producerId } of plan.close) this.peers.get(subscriberId)?.unsubscribe(producerId);
    // What people see first: streams that start running (the new main screen), then new
    // consumers, then the ones to pause. Many at once, so the worker works through them in a
    // stream instead of waiting for one answer before sending the next request.
    const starting = plan.change.filter((change) => change.delivery !== 'paused');
    const pausing = plan.change.filter((change) => change.delivery === 'paused');
    const change = ({ subscriberId, producerId, delivery }: WantedSubscription) => () =>
      this.attempt(subscriberId, producerId, () => this.peers.get(subscriberId)?.setDelivery(producerId, delivery));
    // A newer change (a grant while the next speaker is still being prepared) must not wait
    // for the rest of this plan: stop here, and the next plan starts from what exists by then.
    const superseded = () => this.reconciliationQueued || this.closed;
    const report = (outcome: string) =>
      this.options.log.debug(
        { roomId: this.id, opened: plan.open.length, changed: plan.change.length, closed: plan.close.length, ms: Math.round(performance.now() - startedAt), outcome },
        'subscriptions updated',
      );
    // What everyone waits for goes out in a wide batch: the round trips to the worker overlap.
    await inParallel(starting.map(change), STARTING_AT_ONCE, superseded);
    if (superseded()) return report('superseded after starting');
    await inParallel(
      [...plan.open].sort(byUrgency).map(({ subscriberId, producerId, delivery }) => () => {
        const subscriber = this.peers.get(subscriberId);
        const feedPicture = feed?.producers.video;
        const producer = [feedPicture, feed?.producers.audio].find((candidate) => candidate?.id === producerId) ?? this.findProducer(producerId);
        if (!subscriber || !producer || producer.closed || this.closed) return Promise.resolve();
        return this.attempt(subscriberId, producerId, async () => {
          if (subscriber.router) await this.pipeTo(producer.id, subscriber.router);
          await subscriber.subscribe(producer, delivery);
          // A new consumer of the feed's picture: its browser learns whom the picture shows.
          if (feed && producer === feedPicture) this.options.notify(subscriberId, { event: 'media:mainFeed', payload: feed.source });
        });
      }),
      CONCURRENT_UPDATES,
      superseded,
    );
    if (superseded()) return report('superseded after opening');
    await inParallel(pausing.map(change), CONCURRENT_UPDATES, superseded);
    if (plan.open.length + plan.change.length + plan.close.length > 0) report('done');
  }

  /** Usually a race with a peer leaving or a track closing while we worked; the next plan starts from what exists then. */
  private async attempt(subscriberId: string, producerId: string, work: () => Promise<void> | undefined): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.options.log.warn({ err: error, roomId: this.id, subscriberId, producerId }, 'could not update a subscription');
    }
  }

  /**
   * Points the main-screen feed at whoever the main screen shows now and at the floor holder's
   * microphone, and keeps the next speakers' tracks ready in it. Returns the feed (null without one).
   */
  private async showOnMainFeed(tracks: readonly PublishedTrack[]): Promise<MainFeed | null> {
    this.mainPeerId = resolveMainPeer(this.policy.main, this.activeSpeakerPeerId, tracks);
    const feed = await this.mainFeed;
    if (!feed || this.closed) return feed;
    const camera = tracks.find((track) => track.peerId === this.mainPeerId && track.source === 'camera' && !track.paused) ?? null;
    const microphone = this.floorMicrophone(tracks);
    const upcomingPeers = new Set(this.upcomingPeerIds(tracks));
    const upcoming = tracks.filter((track) => upcomingPeers.has(track.peerId) && track !== camera);
    // The new speaker's own feed consumers pause before the feed switches to them, not after.
    this.feedTargetUsers = { video: camera?.userId ?? null, audio: microphone?.userId ?? null };
    await this.pipeHome([camera, microphone, ...upcoming].filter((track) => track !== null));
    await this.holdOwnFeeds(feed);
    await feed.show({ camera, microphone, upcoming: upcoming.slice(0, 2 * MAX_UPCOMING) });
    return feed;
  }

  /** The floor holder's microphone (of their devices, the one receiving media and on), while they may speak. */
  private floorMicrophone(tracks: readonly PublishedTrack[]): PublishedTrack | null {
    const holder = this.policy.floorHolderUserId;
    if (holder === null || !this.mayUnmute(holder)) return null;
    return preferLive(tracks.filter((track) => track.userId === holder && track.source === 'mic')) ?? null;
  }

  /**
   * Holds paused the feed consumers of every peer whose user the feed carries or is switching to
   * (picture and voice apart), and releases the others'. See MediaPeer.holdOwnFeed.
   */
  private async holdOwnFeeds(feed: MainFeed): Promise<void> {
    const carried = feed.carriedUsers;
    const usersOf = (kind: types.MediaKind) => new Set([this.feedTargetUsers[kind], carried[kind]].filter((userId) => userId !== null));
    this.ownFeedUsers = { video: usersOf('video'), audio: usersOf('audio') };
    await Promise.all([...this.peers.values()].map((peer) => peer.holdOwnFeed(this.ownFeedOf(peer.userId))));
  }

  private ownFeedOf(userId: string): Record<types.MediaKind, boolean> {
    return { video: this.ownFeedUsers.video.has(userId), audio: this.ownFeedUsers.audio.has(userId) };
  }

  /** The previous speaker gets the feed back once it shows someone else: release, and re-plan. */
  private afterFeedCutOver(): void {
    void this.mainFeed.then((feed) => (feed && !this.closed ? this.holdOwnFeeds(feed) : undefined));
    this.scheduleReconciliation();
  }

  /** A track whose packets stop or start again may change who is on the main screen (see preferLive). */
  private watchLiveness(producer: types.Producer): void {
    let live = receivesRtp(producer);
    producer.on('score', () => {
      if (receivesRtp(producer) === live) return;
      live = !live;
      this.scheduleReconciliation();
    });
  }

  private tellSendLayers(producer: types.Producer, maxSpatialLayer: number): void {
    const { peerId, linkId } = producer.appData as Partial<RemoteProducerData>;
    // A camera of another node: its browser is told by its node, which hears our wish over the link's signaling.
    if (linkId !== undefined) return this.options.onLinkSendLayers?.(linkId, producer.id, maxSpatialLayer);
    if (peerId === undefined) return;
    this.options.log.debug({ roomId: this.id, peerId, producerId: producer.id, maxSpatialLayer }, 'camera told which layers to send');
    if (this.peers.has(peerId)) this.options.notify(peerId, { event: 'media:sendLayers', payload: { producerId: producer.id, maxSpatialLayer } });
  }

  private announceMainFeed(carrying: MainFeedSource): void {
    if (this.options.onMainFeed) this.options.onMainFeed(carrying);
    else for (const peerId of this.peers.keys()) this.options.notify(peerId, { event: 'media:mainFeed', payload: carrying });
  }

  /** Every track the room's peers publish now, and those of other nodes' peers it receives over links. */
  private publishedTracks(): PublishedTrack[] {
    return [...[...this.peers.values()].flatMap((peer) => peer.publishedTracks()), ...this.remoteTracks.publishedTracks()];
  }

  private viewOf(peerId: string): PeerView {
    return this.views.get(peerId) ?? { thumbnails: [], retained: [] };
  }

  private forwardingState(tracks: readonly PublishedTrack[], feed: MainFeed | null): ForwardingState {
    const { speakers } = this.policy;
    return {
      speakers: speakers.mode === 'everyone' ? 'everyone' : new Set(speakers.userIds),
      mainPeerId: this.mainPeerId,
      upcomingPeerIds: this.upcomingPeerIds(tracks),
      mainFeed: feed
        ? {
            picture: feed.producers.video.id,
            voice: feed.producers.audio.id,
            voicePeerId: this.floorMicrophone(tracks)?.peerId ?? null,
            pictureUserIds: [...this.ownFeedUsers.video],
            voiceUserIds: [...this.ownFeedUsers.audio],
          }
        : null,
    };
  }

  private upcomingPeerIds(tracks: readonly PublishedTrack[]): string[] {
    return this.policy.upcomingUserIds.flatMap((userId) => resolveMainPeer({ userId, followActiveSpeaker: false }, null, tracks) ?? []);
  }

  /**
   * Makes a producer of the room (a peer's track, or the feed's) consumable on `router`: piped
   * there once from the router it lives on, if that is another one.
   */
  private async pipeTo(producerId: string, router: types.Router): Promise<void> {
    const origin = await this.originOf(producerId);
    if (origin) await this.routers.pipe(producerId, origin, router);
  }

  /** Pipes these tracks to the home router (feed, recorder); one that cannot be piped is left out, and logged. */
  private async pipeHome(tracks: readonly { producerId: string }[]): Promise<void> {
    await Promise.all(
      tracks.map((track) =>
        this.pipeTo(track.producerId, this.routers.home).catch((error: unknown) =>
          this.options.log.warn({ err: error, roomId: this.id, producerId: track.producerId }, 'could not pipe a track to the home router'),
        ),
      ),
    );
  }

  /** The router a producer lives on: its peer's, or the home router for the feed's own and those received over links. */
  private async originOf(producerId: string): Promise<types.Router | undefined> {
    for (const peer of this.peers.values()) if (peer.producer(producerId)) return peer.router;
    if (this.remoteTracks.producer(producerId)) return this.routers.home;
    const feed = await this.mainFeed;
    if (feed && (feed.producers.video.id === producerId || feed.producers.audio.id === producerId)) return this.routers.home;
    return undefined;
  }

  /** A peer's track, or one received over a link. */
  private findProducer(producerId: string): types.Producer | undefined {
    for (const peer of this.peers.values()) {
      const producer = peer.producer(producerId);
      if (producer) return producer;
    }
    return this.remoteTracks.producer(producerId);
  }

  /** For a link (which lives on the home router): a producer of the room, the feed's included, piped home first. */
  private async producerAtHome(producerId: string): Promise<types.Producer | undefined> {
    const feed = await this.mainFeed;
    const producer = this.findProducer(producerId) ?? [feed?.producers.video, feed?.producers.audio].find((candidate) => candidate?.id === producerId);
    if (producer) await this.pipeTo(producerId, this.routers.home);
    return producer;
  }
}
