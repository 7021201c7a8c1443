import { describe, expect, it } from 'vitest';
import {
  audibleMicrophones,
  conferenceRule,
  DEFAULT_LIMITS,
  everyoneReceivesEveryoneElse,
  nextRetained,
  planSubscriptions,
  resolveMainPeer,
  videoDeliveries,
  type ForwardingLimits,
  type ForwardingState,
  type PublishedTrack,
  type Receiver,
  type WantedSubscription,
} from '../src/media/subscription-policy.js';

function receiver(peerId: string, thumbnails: string[] = [], retained: string[] = [], ready = true): Receiver {
  return { peerId, userId: `u-${peerId}`, ready, thumbnails, retained };
}

function camera(peerId: string, paused = false, live = !paused): PublishedTrack {
  return { producerId: `${peerId}-cam`, peerId, userId: `u-${peerId}`, kind: 'video', source: 'camera', paused, activeSince: 0, live };
}

function mic(peerId: string, paused = true, activeSince = 0): PublishedTrack {
  return { producerId: `${peerId}-mic`, peerId, userId: `u-${peerId}`, kind: 'audio', source: 'mic', paused, activeSince, live: !paused };
}

/** The feed's producers; `users` are those whose own picture and voice it carries. */
function feedOf(voicePeerId: string | null, users: { picture?: string[]; voice?: string[] } = {}) {
  return { picture: 'feed-picture', voice: 'feed-voice', voicePeerId, pictureUserIds: users.picture ?? [], voiceUserIds: users.voice ?? [] };
}

/** A meeting of `count` endpoints e0..e{count-1}, all with a camera and a muted microphone. */
function meeting(count: number): PublishedTrack[] {
  return Array.from({ length: count }, (_, index) => [camera(`e${index}`), mic(`e${index}`)]).flat();
}

const floorOf = (speakers: string[], mainPeerId: string | null): ForwardingState => ({
  speakers: new Set(speakers.map((peerId) => `u-${peerId}`)),
  mainPeerId,
});

function deliveriesOf(wanted: WantedSubscription[], subscriberId: string): Record<string, string> {
  return Object.fromEntries(wanted.filter((w) => w.subscriberId === subscriberId).map((w) => [w.producerId, w.delivery]));
}

describe('conferenceRule: video', () => {
  it('sends the main screen at the high layer, the page of thumbnails at the low layer, recent ones paused', () => {
    const tracks = meeting(6);
    const wanted = conferenceRule([receiver('e5', ['e1', 'e2'], ['e3'])], tracks, floorOf([], 'e0'), DEFAULT_LIMITS);
    expect(deliveriesOf(wanted, 'e5')).toEqual({ 'e0-cam': 'high', 'e1-cam': 'low', 'e2-cam': 'low', 'e3-cam': 'paused' });
  });

  it('never sends a peer its own camera, even when it is on the main screen or in its view', () => {
    const wanted = conferenceRule([receiver('e0', ['e0', 'e1'])], meeting(3), floorOf([], 'e0'), DEFAULT_LIMITS);
    expect(deliveriesOf(wanted, 'e0')).toEqual({ 'e1-cam': 'low' });
  });

  it('gives the main screen the high layer when the same peer is also a thumbnail', () => {
    expect(videoDeliveries(receiver('e9', ['e0', 'e1']), 'e0', DEFAULT_LIMITS)).toEqual(
      new Map([
        ['e0', 'high'],
        ['e1', 'low'],
      ]),
    );
  });

  it('caps thumbnails and retained ones, so a receiver gets a bounded number of streams', () => {
    const limits: ForwardingLimits = { maxAudio: 2, maxThumbnails: 3, maxRetained: 2 };
    const page = ['e1', 'e2', 'e3', 'e4', 'e5'];
    const retained = ['e6', 'e7', 'e8'];
    const deliveries = videoDeliveries(receiver('e9', page, retained), 'e0', limits);
    expect([...deliveries.values()].filter((d) => d === 'low')).toHaveLength(3);
    expect([...deliveries.values()].filter((d) => d === 'paused')).toHaveLength(2);
    expect(deliveries.size).toBe(1 + 3 + 2);
  });

  it('with a main-screen feed, sends its picture and voice instead of the main camera and the holder\'s microphone', () => {
    const feed = feedOf('e2', { picture: ['u-e2'], voice: ['u-e2'] });
    const state: ForwardingState = { ...floorOf(['e0', 'e2'], 'e2'), mainFeed: feed, upcomingPeerIds: ['e3'] };
    const wanted = conferenceRule([receiver('e5', ['e1']), receiver('e2', ['e1'])], meeting(6), state, DEFAULT_LIMITS);
    // The holder's microphone and the next speaker's tracks are not prepared at the receivers: the feed switches inside the SFU.
    expect(deliveriesOf(wanted, 'e5')).toEqual({ 'feed-picture': 'high', 'feed-voice': 'audio', 'e1-cam': 'low', 'e0-mic': 'audio' });
    // The holder gets neither their own picture nor their own voice back.
    expect(deliveriesOf(wanted, 'e2')).toEqual({ 'feed-picture': 'paused', 'feed-voice': 'paused', 'e1-cam': 'low', 'e0-mic': 'audio' });
  });

  it('with a main-screen feed, still shows the main screen\'s person as a thumbnail when it is on the page', () => {
    const state: ForwardingState = { ...floorOf([], 'e0'), mainFeed: feedOf(null, { picture: ['u-e0'] }) };
    const wanted = conferenceRule([receiver('e5', ['e0'])], meeting(6), state, DEFAULT_LIMITS);
    expect(deliveriesOf(wanted, 'e5')).toEqual({ 'feed-picture': 'high', 'feed-voice': 'audio', 'e0-cam': 'low' });
  });

  it('never sends the floor holder their own picture or voice, on whichever of their peers, even before their camera is known', () => {
    // The holder rejoined (a new peer, e2b) on a new worker: the main screen has not resolved to
    // their new camera yet, but the feed is switching to (or still carries) their user.
    const tracks = [...meeting(3), camera('e2b', false, false), mic('e2b', false)].map((track) =>
      track.peerId === 'e2b' ? { ...track, userId: 'u-e2' } : track,
    );
    const holderDevice = { ...receiver('e2b', ['e1']), userId: 'u-e2' };
    const state: ForwardingState = { ...floorOf(['e2'], null), mainFeed: feedOf(null, { picture: ['u-e2'], voice: ['u-e2'] }) };
    const wanted = conferenceRule([receiver('e0'), receiver('e2'), holderDevice], tracks, state, DEFAULT_LIMITS);
    for (const peerId of ['e2', 'e2b']) {
      expect(deliveriesOf(wanted, peerId)).toMatchObject({ 'feed-picture': 'paused', 'feed-voice': 'paused' });
    }
    expect(deliveriesOf(wanted, 'e0')).toMatchObject({ 'feed-picture': 'high', 'feed-voice': 'audio' });
    // Nor their own microphone from their other device, directly.
    expect(deliveriesOf(wanted, 'e2')).not.toHaveProperty('e2b-mic');
    expect(deliveriesOf(wanted, 'e0')).toHaveProperty('e2b-mic', 'audio');
  });

  it('keeps the main screen\'s own picture paused at each of their devices while the feed shows them', () => {
    const tracks = [camera('e0'), { ...camera('e0-phone'), userId: 'u-e0' }, camera('e1')];
    const state: ForwardingState = { ...floorOf([], 'e0'), mainFeed: feedOf(null) };
    const wanted = conferenceRule([receiver('e1'), { ...receiver('e0-phone'), userId: 'u-e0' }], tracks, state, DEFAULT_LIMITS);
    expect(deliveriesOf(wanted, 'e0-phone')).toMatchObject({ 'feed-picture': 'paused', 'feed-voice': 'audio' });
    expect(deliveriesOf(wanted, 'e1')).toMatchObject({ 'feed-picture': 'high' });
  });

  it('sends nothing to a peer that is not ready yet', () => {
    expect(conferenceRule([receiver('e1', ['e0'], [], false)], meeting(2), floorOf(['e0'], 'e0'), DEFAULT_LIMITS)).toEqual([]);
  });
});

describe('conferenceRule: audio follows the floor', () => {
  it('in floor mode forwards only the listed speakers\' microphones, to everyone but themselves', () => {
    const tracks = meeting(4);
    const wanted = conferenceRule([receiver('e0'), receiver('e1'), receiver('e2')], tracks, floorOf(['e0', 'e1'], null), DEFAULT_LIMITS);
    const audio = wanted.filter((w) => w.delivery === 'audio').map((w) => `${w.subscriberId}<-${w.producerId}`);
    expect(audio.sort()).toEqual(['e0<-e1-mic', 'e1<-e0-mic', 'e2<-e0-mic', 'e2<-e1-mic']);
  });

  it('in open discussion forwards open microphones only, latest first, at most maxAudio', () => {
    const tracks = [mic('a', false, 10), mic('b', true, 99), mic('c', false, 30), mic('d', false, 20)];
    expect(audibleMicrophones(tracks, 'everyone').map((t) => t.peerId)).toEqual(['c', 'd', 'a']);
    const limits = { ...DEFAULT_LIMITS, maxAudio: 2 };
    const wanted = conferenceRule([receiver('c'), receiver('z')], tracks, { speakers: 'everyone', mainPeerId: null }, limits);
    expect(deliveriesOf(wanted, 'z')).toEqual({ 'c-mic': 'audio', 'd-mic': 'audio' });
    // The receiver's own microphone does not take one of its places.
    expect(deliveriesOf(wanted, 'c')).toEqual({ 'd-mic': 'audio', 'a-mic': 'audio' });
  });

  it('prepares the next speakers\' microphones too (paused on the SFU, they carry nothing until the floor is given)', () => {
    const tracks = [mic('e0', false), mic('e1', true), mic('e2', true), mic('e3', true)];
    const wanted = conferenceRule([receiver('e9')], tracks, { ...floorOf(['e0'], null), upcomingPeerIds: ['e1', 'e2', 'e3'] }, DEFAULT_LIMITS);
    expect(deliveriesOf(wanted, 'e9')).toEqual({ 'e0-mic': 'audio', 'e1-mic': 'audio', 'e2-mic': 'audio' });
  });

  it('keeps a listed speaker\'s muted microphone subscribed, so their audio starts without delay', () => {
    const wanted = conferenceRule([receiver('e1')], [mic('e0', true)], floorOf(['e0'], null), DEFAULT_LIMITS);
    expect(deliveriesOf(wanted, 'e1')).toEqual({ 'e0-mic': 'audio' });
  });
});

describe('a meeting of 120 endpoints', () => {
  it('costs each receiver at most 1 + page + retained + audio consumers, not 2 × 119', () => {
    const tracks = meeting(120);
    const receivers = Array.from({ length: 120 }, (_, index) => {
      const page = Array.from({ length: 8 }, (_, k) => `e${(index + 1 + k) % 120}`);
      return receiver(`e${index}`, page, [`e${(index + 50) % 120}`]);
    });
    const state = { ...floorOf(['e0', 'e7'], 'e7'), mainFeed: feedOf('e7', { picture: ['u-e7'], voice: ['u-e7'] }) };
    const wanted = conferenceRule(receivers, tracks, state, DEFAULT_LIMITS);
    const perReceiver = new Map<string, number>();
    for (const w of wanted) perReceiver.set(w.subscriberId, (perReceiver.get(w.subscriberId) ?? 0) + 1);
    expect(Math.max(...perReceiver.values())).toBeLessThanOrEqual(1 + 8 + 1 + 2);

    const baseline = everyoneReceivesEveryoneElse(receivers, tracks, state, DEFAULT_LIMITS);
    expect(baseline).toHaveLength(120 * 119 * 2);
    expect(wanted.length).toBeLessThan(baseline.length / 15);
  });
});

describe('resolveMainPeer', () => {
  const tracks = [camera('chair-laptop', true), camera('chair-tablet'), camera('delegate')];
  tracks[0]!.userId = 'u-chair';
  tracks[1]!.userId = 'u-chair';

  it('shows the chosen user\'s camera, preferring a device whose camera is on', () => {
    expect(resolveMainPeer({ userId: 'u-chair', followActiveSpeaker: false }, null, tracks)).toBe('chair-tablet');
  });

  it('follows the dominant speaker when asked, and falls back to the chosen user without one', () => {
    expect(resolveMainPeer({ userId: 'u-chair', followActiveSpeaker: true }, 'delegate', tracks)).toBe('delegate');
    expect(resolveMainPeer({ userId: 'u-chair', followActiveSpeaker: true }, null, tracks)).toBe('chair-tablet');
    expect(resolveMainPeer({ userId: 'u-delegate', followActiveSpeaker: false }, 'delegate', tracks)).toBe('delegate');
  });

  it('prefers a camera receiving media to a silent one of the same user (a leftover of a session that died)', () => {
    const ghost = { ...camera('chair-old', false, false), userId: 'u-chair' };
    const fresh = { ...camera('chair-new', false, true), userId: 'u-chair' };
    expect(resolveMainPeer({ userId: 'u-chair', followActiveSpeaker: false }, null, [ghost, fresh])).toBe('chair-new');
    // Until the new camera's first packets arrive, the old one is all there is.
    expect(resolveMainPeer({ userId: 'u-chair', followActiveSpeaker: false }, null, [ghost, { ...fresh, live: false }])).toBe('chair-old');
  });

  it('is nobody for a document, or for a user without a camera', () => {
    expect(resolveMainPeer({ userId: null, followActiveSpeaker: false }, 'delegate', tracks)).toBeNull();
    expect(resolveMainPeer({ userId: 'u-nobody', followActiveSpeaker: false }, null, tracks)).toBeNull();
  });
});

describe('nextRetained (thumbnails paged away are kept paused)', () => {
  it('keeps what left the page, newest first, without duplicates, up to the limit', () => {
    expect(nextRetained({ thumbnails: ['a', 'b', 'c'], retained: ['x', 'a'] }, ['c', 'd'], 3)).toEqual(['a', 'b', 'x']);
  });

  it('drops a peer that is shown again', () => {
    expect(nextRetained({ thumbnails: ['d'], retained: ['a', 'b'] }, ['a'], 5)).toEqual(['d', 'b']);
  });
});

describe('planSubscriptions', () => {
  const want = (subscriberId: string, producerId: string, delivery: WantedSubscription['delivery']): WantedSubscription => ({
    subscriberId,
    producerId,
    delivery,
  });

  it('opens what is missing, changes what runs differently, closes what is no longer wanted', () => {
    const plan = planSubscriptions(
      [want('b', 'a-cam', 'high'), want('b', 'c-cam', 'low'), want('b', 'a-mic', 'audio')],
      [
        { subscriberId: 'b', producerId: 'a-cam', delivery: 'low' },
        { subscriberId: 'b', producerId: 'a-mic', delivery: 'audio' },
        { subscriberId: 'b', producerId: 'd-cam', delivery: 'paused' },
      ],
    );
    expect(plan.open).toEqual([want('b', 'c-cam', 'low')]);
    expect(plan.change).toEqual([want('b', 'a-cam', 'high')]);
    expect(plan.close).toEqual([{ subscriberId: 'b', producerId: 'd-cam' }]);
  });

  it('leaves alone a track the subscriber cannot decode (no retry, no change)', () => {
    const plan = planSubscriptions([want('b', 'h264', 'high')], [{ subscriberId: 'b', producerId: 'h264', delivery: undefined }]);
    expect(plan).toEqual({ open: [], change: [], close: [] });
  });
});
