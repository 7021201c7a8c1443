import type { MediaKind, MediaSource } from '@ehop/protocol';

/*
 * Who receives whose tracks. This is pure on purpose: the room feeds it a snapshot and carries out
 * the plan, so a different policy (floor control, simulcast layers per screen position, only the
 * speakers' audio) replaces `SubscriptionRule` without touching mediasoup code.
 */

export interface Subscriber {
  peerId: string;
  /** It has told us its RTP capabilities and has a receive transport to put consumers on. */
  ready: boolean;
}

export interface PublishedTrack {
  producerId: string;
  /** The peer that publishes it. */
  peerId: string;
  kind: MediaKind;
  source: MediaSource;
}

export interface Subscription {
  subscriberId: string;
  producerId: string;
}

/** Should `subscriber` receive `track`? Called only for ready subscribers. */
export type SubscriptionRule = (subscriber: Subscriber, track: PublishedTrack) => boolean;

/** Everybody hears and sees everybody else (never their own tracks). */
export const everyoneReceivesEveryoneElse: SubscriptionRule = (subscriber, track) => track.peerId !== subscriber.peerId;

export interface SubscriptionPlan {
  open: Subscription[];
  close: Subscription[];
}

/** The difference between what the rule wants and what exists now. */
export function planSubscriptions(
  subscribers: readonly Subscriber[],
  tracks: readonly PublishedTrack[],
  current: readonly Subscription[],
  rule: SubscriptionRule = everyoneReceivesEveryoneElse,
): SubscriptionPlan {
  const wanted = new Map<string, Subscription>();
  for (const subscriber of subscribers) {
    if (!subscriber.ready) continue;
    for (const track of tracks) {
      if (rule(subscriber, track)) {
        const subscription = { subscriberId: subscriber.peerId, producerId: track.producerId };
        wanted.set(keyOf(subscription), subscription);
      }
    }
  }
  const existing = new Set(current.map(keyOf));
  return {
    open: [...wanted.values()].filter((subscription) => !existing.has(keyOf(subscription))),
    close: current.filter((subscription) => !wanted.has(keyOf(subscription))),
  };
}

function keyOf(subscription: Subscription): string {
  return `${subscription.subscriberId}\u0000${subscription.producerId}`;
}
