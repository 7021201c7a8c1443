import type { ConferenceState, FloorHolder, MainScreenSelection, PeerInfo, Unit } from '@ehop/protocol';
import type { MainFeedView } from '../media/main-feed.js';

/** Whose camera the main screen shows now: the dominant speaker when it follows them, else the server's choice. */
export function shownMainUserId(state: ConferenceState | null, activeSpeakerUserId: string | null): string | null {
  if (!state) return null;
  if (state.mainScreen.mode === 'active_speaker') return activeSpeakerUserId ?? state.mainUserId;
  return state.mainUserId;
}

/** Whom a main-screen picture (or placeholder) shows, as its caption names them. */
export interface OnScreenPerson {
  userId: string;
  displayName: string;
  unit: Unit | null;
}

export interface MainScreenInput<T> {
  /** The chair's choice (null until the conference is loaded). */
  selection: MainScreenSelection | null;
  /** Whose camera the chair's choice resolves to now (`ConferenceClient.mainUserId`). */
  mainUserId: string | null;
  /** This participant, with their own camera (null: off). */
  self: OnScreenPerson & { track: T | null };
  feed: Pick<MainFeedView<T>, 'track' | 'source'>;
  /** The remote participants, to name the person in the picture. */
  peers: readonly PeerInfo[];
  /** The floor holder: named even before their device is listed. */
  holder: Pick<FloorHolder, 'userId' | 'displayName' | 'unit'> | null;
}

/** What the main screen shows; `person` is whom the picture shows, which the caption must name. */
export type MainScreenPicture<T> =
  | { kind: 'document'; documentId: string }
  /** Our own camera, shown locally (the SFU pauses the feed for whoever it carries). */
  | { kind: 'self'; track: T; person: OnScreenPerson }
  /** The main-screen feed, carrying `peerId` (user `userId`) since `since` (the SFU's cut-over, epoch ms). */
  | { kind: 'feed'; track: T; peerId: string; userId: string | null; since: number; person: OnScreenPerson | null }
  /**
   * No picture of the main user: their camera is off, or their video is on its way. `peerId` is
   * 'self' for ourselves, else a device of theirs if listed; `person` null: nobody is chosen.
   */
  | { kind: 'placeholder'; peerId: string | null; person: OnScreenPerson | null; cameraOff: boolean };

/**
 * Decides the main screen: the document, else our own camera when we are the one shown, else
 * the feed's picture named after whom the feed carries. Between the chair's click and the new
 * person's key frame the feed still carries the previous person: picture and caption stay theirs.
 * Without a feed picture, a placeholder for the chair's choice.
 */
export function mainScreenPicture<T>(input: MainScreenInput<T>): MainScreenPicture<T> {
  const { selection, mainUserId, self, feed, peers, holder } = input;
  if (selection?.mode === 'document') return { kind: 'document', documentId: selection.documentId };
  const { track: selfTrack, ...selfPerson } = self;
  // The feed may still carry us for a moment after the chair chose someone else.
  if (mainUserId === self.userId || (feed.source !== null && feed.source.userId === self.userId)) {
    if (selfTrack === null) return { kind: 'placeholder', peerId: 'self', person: selfPerson, cameraOff: true };
    return { kind: 'self', track: selfTrack, person: selfPerson };
  }
  const named = (info: PeerInfo): OnScreenPerson => ({ userId: info.userId, displayName: info.displayName, unit: info.unit });
  const holderIf = (userId: string | null): OnScreenPerson | null =>
    holder !== null && holder.userId === userId ? { userId: holder.userId, displayName: holder.displayName, unit: holder.unit } : null;

  const source = feed.source;
  if (feed.track !== null && source !== null && source.peerId !== null) {
    const peer = peers.find((info) => info.peerId === source.peerId);
    const person = peer ? named(peer) : holderIf(source.userId);
    return { kind: 'feed', track: feed.track, peerId: source.peerId, userId: source.userId, since: source.since, person };
  }

  if (mainUserId === null) return { kind: 'placeholder', peerId: null, person: null, cameraOff: false };
  const devices = peers.filter((info) => info.userId === mainUserId);
  const device = devices.find((info) => info.camOn) ?? devices[0];
  return {
    kind: 'placeholder',
    peerId: device?.peerId ?? null,
    person: device ? named(device) : holderIf(mainUserId),
    cameraOff: device !== undefined && !device.camOn,
  };
}

/** May this user unmute now? Everyone in open discussion; the chair and the floor holder otherwise. */
export function maySpeak(state: ConferenceState | null, userId: string): boolean {
  if (!state) return false;
  return state.speakerUserIds === null || state.speakerUserIds.includes(userId);
}
