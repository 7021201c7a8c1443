import type { MediaKind, MediaSource, MeetingRole, PeerInfo, UnitLevel } from '@ehop/protocol';

/** A track received from a remote peer (`T` is a MediaStreamTrack in the browser). */
export interface RemoteTrack<T = MediaStreamTrack> {
  consumerId: string;
  kind: MediaKind;
  source: MediaSource;
  track: T;
  /** The sender paused it (microphone muted, camera off): nothing arrives until resumed. */
  paused: boolean;
}

/** What a tile shows for one remote peer. */
export interface RemotePeerView<T = MediaStreamTrack> {
  info: PeerInfo;
  audio: RemoteTrack<T> | null;
  video: RemoteTrack<T> | null;
}

const ROLE_ORDER: Record<MeetingRole, number> = { chair: 0, secretary: 1, delegate: 2, endpoint: 3, observer: 4 };
const LEVEL_ORDER: Record<UnitLevel, number> = { province: 0, district: 1, commune: 2 };
const nameCollator = new Intl.Collator('vi');

/** Chair first, then by role, province before district before commune, then by unit and name. */
export function comparePeers(a: PeerInfo, b: PeerInfo): number {
  return (
    ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
    LEVEL_ORDER[a.unit.level] - LEVEL_ORDER[b.unit.level] ||
    nameCollator.compare(a.unit.name, b.unit.name) ||
    nameCollator.compare(a.displayName, b.displayName) ||
    a.peerId.localeCompare(b.peerId)
  );
}

/**
 * The remote side of a meeting as the server described it: peers and the tracks received from
 * them. Pure bookkeeping (no WebRTC), so it is unit-tested; MeetingMedia feeds it events.
 */
export class PeerRoster<T = MediaStreamTrack> {
  private readonly peers = new Map<string, PeerInfo>();
  private readonly tracks = new Map<string, RemoteTrack<T> & { peerId: string }>();
  private selfPeerId: string | null = null;

  /** Starts over from a `meeting:join` answer; tracks of the previous session are forgotten. */
  reset(selfPeerId: string, peers: readonly PeerInfo[]): void {
    this.selfPeerId = selfPeerId;
    this.peers.clear();
    this.tracks.clear();
    for (const peer of peers) this.upsertPeer(peer);
  }

  /** Forgets every received track but keeps the peers: the media is rebuilt, the meeting was not left. */
  clearTracks(): void {
    this.tracks.clear();
  }

  /** Adds or updates a peer (the server also reports our own peer; it is not a remote tile). */
  upsertPeer(info: PeerInfo): void {
    if (info.peerId === this.selfPeerId) return;
    this.peers.set(info.peerId, info);
  }

  /** Forgets a peer; returns the ids of its consumers so the caller can close them. */
  removePeer(peerId: string): string[] {
    this.peers.delete(peerId);
    const orphaned = [...this.tracks.values()].filter((track) => track.peerId === peerId).map((t) => t.consumerId);
    for (const consumerId of orphaned) this.tracks.delete(consumerId);
    return orphaned;
  }

  addTrack(peerId: string, track: RemoteTrack<T>): void {
    this.tracks.set(track.consumerId, { ...track, peerId });
  }

  removeTrack(consumerId: string): boolean {
    return this.tracks.delete(consumerId);
  }

  /** Returns whether anything changed. */
  setPaused(consumerId: string, paused: boolean): boolean {
    const track = this.tracks.get(consumerId);
    if (!track || track.paused === paused) return false;
    this.tracks.set(consumerId, { ...track, paused });
    return true;
  }

  hasPeer(peerId: string): boolean {
    return this.peers.has(peerId);
  }

  /** The tiles to show, in a stable order. A peer's newest track of each kind wins. */
  view(): RemotePeerView<T>[] {
    const views = new Map<string, RemotePeerView<T>>();
    for (const info of this.peers.values()) views.set(info.peerId, { info, audio: null, video: null });
    for (const { peerId, ...track } of this.tracks.values()) {
      const view = views.get(peerId);
      if (!view) continue; // a consumer can arrive just before its peer:joined; it shows once the peer does
      if (track.kind === 'audio') view.audio = track;
      else view.video = track;
    }
    return [...views.values()].sort((a, b) => comparePeers(a.info, b.info));
  }
}
