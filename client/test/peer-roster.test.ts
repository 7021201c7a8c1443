import type { PeerInfo } from '@ehop/protocol';
import { describe, expect, it } from 'vitest';
import { PeerRoster, type RemoteTrack } from '../src/lib/media/peer-roster.js';

function peer(peerId: string, overrides: Partial<PeerInfo> = {}): PeerInfo {
  return {
    peerId,
    userId: `user-${peerId}`,
    displayName: `Người ${peerId}`,
    role: 'endpoint',
    unit: { id: `unit-${peerId}`, name: `Xã ${peerId}`, level: 'commune', parentId: 'district-1' },
    micOn: true,
    camOn: true,
    ...overrides,
  };
}

function track(consumerId: string, kind: 'audio' | 'video', paused = false): RemoteTrack<string> {
  return { consumerId, kind, source: kind === 'audio' ? 'mic' : 'camera', track: `track-${consumerId}`, paused };
}

describe('PeerRoster', () => {
  it('lists remote peers from the join answer, never ourselves', () => {
    const roster = new PeerRoster<string>();
    roster.reset('me', [peer('me'), peer('a'), peer('b')]);
    expect(roster.view().map((view) => view.info.peerId)).toEqual(['a', 'b']);
  });

  it('ignores a peer:joined about ourselves', () => {
    const roster = new PeerRoster<string>();
    roster.reset('me', []);
    roster.upsertPeer(peer('me'));
    expect(roster.view()).toEqual([]);
  });

  it('attaches audio and video to their peer and shows paused state', () => {
    const roster = new PeerRoster<string>();
    roster.reset('me', [peer('a')]);
    roster.addTrack('a', track('c1', 'audio'));
    roster.addTrack('a', track('c2', 'video', true));
    const [view] = roster.view();
    expect(view?.audio?.track).toBe('track-c1');
    expect(view?.video).toMatchObject({ consumerId: 'c2', paused: true });
    expect(roster.setPaused('c2', false)).toBe(true);
    expect(roster.view()[0]?.video?.paused).toBe(false);
    expect(roster.setPaused('c2', false)).toBe(false);
  });

  it('shows a track that arrived before its peer once the peer joins', () => {
    const roster = new PeerRoster<string>();
    roster.reset('me', []);
    roster.addTrack('late', track('c1', 'video'));
    expect(roster.view()).toEqual([]);
    roster.upsertPeer(peer('late'));
    expect(roster.view()[0]?.video?.consumerId).toBe('c1');
  });

  it('updates a peer in place (mic muted)', () => {
    const roster = new PeerRoster<string>();
    roster.reset('me', [peer('a')]);
    roster.upsertPeer(peer('a', { micOn: false }));
    expect(roster.view()).toHaveLength(1);
    expect(roster.view()[0]?.info.micOn).toBe(false);
  });

  it('returns the consumers of a peer that left so they can be closed', () => {
    const roster = new PeerRoster<string>();
    roster.reset('me', [peer('a'), peer('b')]);
    roster.addTrack('a', track('c1', 'audio'));
    roster.addTrack('a', track('c2', 'video'));
    roster.addTrack('b', track('c3', 'video'));
    expect(roster.removePeer('a').sort()).toEqual(['c1', 'c2']);
    expect(roster.view().map((view) => view.info.peerId)).toEqual(['b']);
    expect(roster.hasPeer('a')).toBe(false);
  });

  it('drops a closed consumer', () => {
    const roster = new PeerRoster<string>();
    roster.reset('me', [peer('a')]);
    roster.addTrack('a', track('c1', 'video'));
    expect(roster.removeTrack('c1')).toBe(true);
    expect(roster.view()[0]?.video).toBeNull();
    expect(roster.removeTrack('c1')).toBe(false);
  });

  it('orders tiles: chair first, then province, district, commune, then by name', () => {
    const roster = new PeerRoster<string>();
    roster.reset('me', [
      peer('commune', { unit: { id: 'x', name: 'Xã An Bình', level: 'commune', parentId: 'h' } }),
      peer('district', { unit: { id: 'h', name: 'Huyện Đông Anh', level: 'district', parentId: 't' } }),
      peer('province', { unit: { id: 't', name: 'Tỉnh Hà Nam', level: 'province', parentId: null } }),
      peer('chair', { role: 'chair', unit: { id: 'x2', name: 'Xã Bình Minh', level: 'commune', parentId: 'h' } }),
    ]);
    expect(roster.view().map((view) => view.info.peerId)).toEqual(['chair', 'province', 'district', 'commune']);
  });

  it('starts over on reset (a rejoin)', () => {
    const roster = new PeerRoster<string>();
    roster.reset('me', [peer('a')]);
    roster.addTrack('a', track('c1', 'video'));
    roster.reset('me2', [peer('a')]);
    expect(roster.view()[0]?.video).toBeNull();
  });

  it('keeps the tiles but drops every track when the media is rebuilt (the meeting was not left)', () => {
    const roster = new PeerRoster<string>();
    roster.reset('me', [peer('a'), peer('b')]);
    roster.addTrack('a', track('c1', 'video'));
    roster.addTrack('b', track('c2', 'audio'));
    roster.clearTracks();
    expect(roster.view().map((view) => [view.info.peerId, view.audio, view.video])).toEqual([
      ['a', null, null],
      ['b', null, null],
    ]);
    // The new session's consumers attach to the same tiles.
    roster.addTrack('a', track('c3', 'video'));
    expect(roster.view()[0]?.video?.consumerId).toBe('c3');
  });
});
