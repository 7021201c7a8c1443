import type { MediaKind, MediaSource } from '@ehop/protocol';

/*
 * Who receives which track, and how. This is pure on purpose: the room feeds it a snapshot and
 * carries out the plan, so the rule can be read and unit-tested without mediasoup.
 *
 * The conference rule keeps every receiver's load bounded whatever the meeting's size:
 * - the main screen: the room's main-screen feed (see main-feed.ts), one picture that follows the
 *   main screen (paused for the one who is on it) and the floor holder's voice (paused for the
 *   holder); without a feed, the main screen's camera itself at the high simulcast layer,
 * - the thumbnails the receiver shows now (at most `maxThumbnails`) at the low layer,
 * - thumbnails it showed recently (at most `maxRetained`) kept but paused, so paging back is instant,
 * - the microphones of people allowed to speak (at most `maxAudio`), nothing else.
 */

/** How a consumer should run: video at the high or low layer or paused; audio forwarded. */
export type Delivery = 'high' | 'low' | 'paused' | 'audio';

export interface Receiver {
  peerId: string;
  /** The user behind it: nobody gets their own picture or voice back, on any of their devices. */
  userId: string;
  /** It has told us its RTP capabilities and has a receive transport to put consumers on. */
  ready: boolean;
  /** Peer ids of the thumbnails it shows now, in display order. */
  thumbnails: readonly string[];
  /** Peers it showed recently, newest first. */
  retained: readonly string[];
}

export interface PublishedTrack {
  producerId: string;
  /** The peer that publishes it, and the user behind that peer. */
  peerId: string;
  userId: string;
  kind: MediaKind;
  source: MediaSource;
  paused: boolean;
  /** When it was last resumed (ms): with too many open microphones the latest talkers win. */
  activeSince: number;
  /**
   * RTP is arriving for it. A track whose packets stopped (the browser behind it rejoined as a
   * new peer, or vanished) must not take the main screen or the floor's voice from a live one.
   */
  live: boolean;
}

export interface ForwardingState {
  /** Users whose microphones may be heard; 'everyone' in open discussion. */
  speakers: 'everyone' | ReadonlySet<string>;
  /** The peer every main screen shows (high layer); null for a document or nobody. */
  mainPeerId: string | null;
  /** Peers likely to be on the main screen next (the head of the floor queue): their microphones are kept ready. */
  upcomingPeerIds?: readonly string[];
  /** The room's main-screen feed, when it has one. */
  mainFeed?: MainFeedProducers | null;
}

export interface MainFeedProducers {
  /** Its picture: whoever the main screen shows. */
  picture: string;
  /** Its voice: the floor holder's microphone, which then needs no consumer of its own. */
  voice: string;
  /** The peer whose microphone the voice carries now. */
  voicePeerId: string | null;
  /** The users whose camera the picture shows (or is switching to): they get it paused. */
  pictureUserIds: readonly string[];
  /** The users whose microphone the voice carries (or is switching to): they get it paused. */
  voiceUserIds: readonly string[];
}

export interface ForwardingLimits {
  maxAudio: number;
  maxThumbnails: number;
  maxRetained: number;
}

export const DEFAULT_LIMITS: ForwardingLimits = { maxAudio: 6, maxThumbnails: 24, maxRetained: 12 };

export interface Subscription {
  subscriberId: string;
  producerId: string;
}

export interface WantedSubscription extends Subscription {
  delivery: Delivery;
}

/** Everything every ready receiver should get. */
export type SubscriptionRule = (
  receivers: readonly Receiver[],
  tracks: readonly PublishedTrack[],
  state: ForwardingState,
  limits: ForwardingLimits,
) => WantedSubscription[];

/** The old rule, kept as the named baseline of benchmarks: everybody gets everybody else, in full. */
export const everyoneReceivesEveryoneElse: SubscriptionRule = (receivers, tracks) =>
  receivers.flatMap((receiver) =>
    receiver.ready
      ? tracks
          .filter((track) => track.peerId !== receiver.peerId)
          .map((track) => ({
            subscriberId: receiver.peerId,
            producerId: track.producerId,
            delivery: track.kind === 'audio' ? 'audio' : 'high',
          }))
      : [],
  );

/** The conference rule described at the top of this file. */
export const conferenceRule: SubscriptionRule = (receivers, tracks, state, limits) => {
  const cameras = new Map<string, PublishedTrack>();
  for (const track of tracks) if (track.source === 'camera') cameras.set(track.peerId, track);
  // One more than the cap, so that dropping the receiver's own microphone still leaves enough.
  const { mainFeed } = state;
  // The floor holder is heard through the feed's voice, not through a consumer of their own.
  const inFeed = (track: PublishedTrack) => mainFeed?.voicePeerId === track.peerId;
  const speakers = audibleMicrophones(tracks, state.speakers).filter((track) => !inFeed(track)).slice(0, limits.maxAudio + 1);
  // Without a feed, the next speakers' microphones too: paused on the SFU (they may not speak yet)
  // they carry nothing, and when the floor is given their audio starts without a consumer to negotiate.
  const upcoming = new Set(mainFeed ? [] : (state.upcomingPeerIds ?? []).slice(0, MAX_UPCOMING));
  const upcomingMics = tracks.filter((track) => track.source === 'mic' && upcoming.has(track.peerId) && !speakers.includes(track));

  const mainUserId = tracks.find((track) => track.peerId === state.mainPeerId)?.userId;
  const wanted: WantedSubscription[] = [];
  for (const receiver of receivers) {
    if (!receiver.ready) continue;
    const want = (track: PublishedTrack | undefined, delivery: Delivery) => {
      if (track && track.peerId !== receiver.peerId) wanted.push({ subscriberId: receiver.peerId, producerId: track.producerId, delivery });
    };
    // Nobody gets their own picture or voice back, from this device or another one of theirs.
    const isSelf = (userId: string | null | undefined) => userId === receiver.userId;
    if (mainFeed) {
      const ownPicture = receiver.peerId === state.mainPeerId || isSelf(mainUserId) || mainFeed.pictureUserIds.some(isSelf);
      const ownVoice = receiver.peerId === mainFeed.voicePeerId || mainFeed.voiceUserIds.some(isSelf);
      wanted.push({ subscriberId: receiver.peerId, producerId: mainFeed.picture, delivery: ownPicture ? 'paused' : 'high' });
      wanted.push({ subscriberId: receiver.peerId, producerId: mainFeed.voice, delivery: ownVoice ? 'paused' : 'audio' });
    }
    const mainCamera = mainFeed ? null : state.mainPeerId;
    for (const [peerId, delivery] of videoDeliveries(receiver, mainCamera, limits)) want(cameras.get(peerId), delivery);
    for (const mic of speakers.filter((track) => !isSelf(track.userId)).slice(0, limits.maxAudio)) want(mic, 'audio');
    for (const mic of upcomingMics.filter((track) => !isSelf(track.userId))) want(mic, 'audio');
  }
  return wanted;
};

/** Upcoming speakers kept ready. */
export const MAX_UPCOMING = 2;

/**
 * For one receiver: which peers' cameras it gets, and how: the main screen's camera first (when
 * there is no feed), then its page of thumbnails, then the recently shown ones (kept paused).
 */
export function videoDeliveries(receiver: Receiver, mainPeerId: string | null, limits: ForwardingLimits): Map<string, Delivery> {
  const deliveries = new Map<string, Delivery>();
  const add = (peerId: string, delivery: Delivery) => {
    if (peerId !== receiver.peerId && !deliveries.has(peerId)) deliveries.set(peerId, delivery);
  };
  if (mainPeerId) add(mainPeerId, 'high');
  for (const peerId of receiver.thumbnails.slice(0, limits.maxThumbnails)) add(peerId, 'low');
  let retained = 0;
  for (const peerId of receiver.retained) {
    if (retained >= limits.maxRetained) break;
    if (deliveries.has(peerId) || peerId === receiver.peerId) continue;
    add(peerId, 'paused');
    retained++;
  }
  return deliveries;
}

/**
 * Microphones that may be heard, best first. In floor mode that is the listed speakers' (even
 * while paused: they are few, and their audio then starts without a new consumer). In open
 * discussion only open microphones count, latest first, or 120 endpoints would mean 120 streams.
 */
export function audibleMicrophones(tracks: readonly PublishedTrack[], speakers: ForwardingState['speakers']): PublishedTrack[] {
  const mics = tracks.filter((track) => track.source === 'mic');
  const allowed = speakers === 'everyone' ? mics.filter((track) => !track.paused) : mics.filter((track) => speakers.has(track.userId));
  return allowed.sort((a, b) => Number(a.paused) - Number(b.paused) || b.activeSince - a.activeSince);
}

/**
 * The peer on the main screen: the dominant speaker when following it, otherwise the chosen
 * user's peer that publishes a camera (a user may be in the meeting from two devices, or have a
 * silent leftover of a session that died): the one receiving media first, then one switched on.
 */
export function resolveMainPeer(
  main: { userId: string | null; followActiveSpeaker: boolean },
  activeSpeakerPeerId: string | null,
  tracks: readonly PublishedTrack[],
): string | null {
  const cameras = tracks.filter((track) => track.source === 'camera');
  if (main.followActiveSpeaker && activeSpeakerPeerId && cameras.some((track) => track.peerId === activeSpeakerPeerId)) {
    return activeSpeakerPeerId;
  }
  if (main.userId === null) return null;
  return preferLive(cameras.filter((track) => track.userId === main.userId))?.peerId ?? null;
}

/** Of one user's tracks of one source: one receiving media and switched on, else one switched on, else any. */
export function preferLive(tracks: readonly PublishedTrack[]): PublishedTrack | undefined {
  return tracks.find((track) => track.live && !track.paused) ?? tracks.find((track) => !track.paused) ?? tracks[0];
}

/**
 * What a receiver keeps paused after changing its view: what it showed before and no longer
 * shows, newest first, at most `limit`.
 */
export function nextRetained(
  previous: { thumbnails: readonly string[]; retained: readonly string[] },
  thumbnails: readonly string[],
  limit: number,
): string[] {
  const shown = new Set(thumbnails);
  const retained: string[] = [];
  for (const peerId of [...previous.thumbnails, ...previous.retained]) {
    if (!shown.has(peerId) && !retained.includes(peerId)) retained.push(peerId);
  }
  return retained.slice(0, limit);
}

export interface CurrentSubscription extends Subscription {
  /** undefined: a track the subscriber cannot decode (kept so it is not retried). */
  delivery: Delivery | undefined;
}

export interface SubscriptionPlan {
  open: WantedSubscription[];
  /** Existing consumers whose delivery changes (layer, pause). */
  change: WantedSubscription[];
  close: Subscription[];
}

/** The difference between what the rule wants and what exists now. */
export function planSubscriptions(wanted: readonly WantedSubscription[], current: readonly CurrentSubscription[]): SubscriptionPlan {
  const wantedByKey = new Map(wanted.map((subscription) => [keyOf(subscription), subscription]));
  const currentByKey = new Map(current.map((subscription) => [keyOf(subscription), subscription]));
  const plan: SubscriptionPlan = { open: [], change: [], close: [] };
  for (const [key, subscription] of wantedByKey) {
    const existing = currentByKey.get(key);
    if (!existing) plan.open.push(subscription);
    else if (existing.delivery !== undefined && existing.delivery !== subscription.delivery) plan.change.push(subscription);
  }
  for (const [key, { subscriberId, producerId }] of currentByKey) {
    if (!wantedByKey.has(key)) plan.close.push({ subscriberId, producerId });
  }
  return plan;
}

function keyOf(subscription: Subscription): string {
  return `${subscription.subscriberId}\u0000${subscription.producerId}`;
}
