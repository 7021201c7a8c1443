import type { ConferenceState } from '@ehop/protocol';

/** Whose camera the main screen shows now: the dominant speaker when it follows them, else the server's choice. */
export function shownMainUserId(state: ConferenceState | null, activeSpeakerUserId: string | null): string | null {
  if (!state) return null;
  if (state.mainScreen.mode === 'active_speaker') return activeSpeakerUserId ?? state.mainUserId;
  return state.mainUserId;
}

/** Of a user's devices in the meeting, the one to show: the first with its camera running. */
export function pickPeerOfUser<T extends { info: { userId: string }; video: { paused: boolean } | null }>(
  peers: readonly T[],
  userId: string | null,
): T | null {
  if (userId === null) return null;
  const ofUser = peers.filter((peer) => peer.info.userId === userId);
  return ofUser.find((peer) => peer.video && !peer.video.paused) ?? ofUser[0] ?? null;
}

/** May this user unmute now? Everyone in open discussion; the chair and the floor holder otherwise. */
export function maySpeak(state: ConferenceState | null, userId: string): boolean {
  if (!state) return false;
  return state.speakerUserIds === null || state.speakerUserIds.includes(userId);
}
