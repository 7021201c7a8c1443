import { describe, expect, it } from 'vitest';
import type { MediaPolicy } from '@ehop/protocol';
import { neededAt, planTransfers, type CascadeState, type PublishedTrack } from '../src/media/link-plan.js';
import { choosePeerNode } from '../src/media/peer-placement-rule.js';
import { unitAndAncestors, type PlacementCandidate } from '../src/media/placement-rule.js';

const node = (id: string, unitId: string | null, peers = 0): PlacementCandidate => ({ id, unitId, peers, rooms: 0 });
const parents: Record<string, string | null> = { province: null, 'district-a': 'province', 'district-b': 'province', 'commune-a1': 'district-a', 'commune-c1': 'district-c' };
const chain = (unitId: string) => unitAndAncestors(unitId, (id) => parents[id] ?? (id === 'district-c' ? 'province' : null));

describe('choosePeerNode', () => {
  const nodes = [node('province-sfu', 'province'), node('a-sfu', 'district-a', 90), node('a2-sfu', 'district-a', 10), node('b-sfu', 'district-b')];

  it("puts a commune's peer on its district's node (the least loaded of them)", () => {
    expect(choosePeerNode(nodes, chain('commune-a1'), 'home')).toBe('a2-sfu');
  });

  it("puts a district's own peer on its node, the province's on the province's", () => {
    expect(choosePeerNode(nodes, chain('district-b'), 'home')).toBe('b-sfu');
    expect(choosePeerNode(nodes, chain('province'), 'home')).toBe('province-sfu');
  });

  it("goes up to the province's node when the district has none (or it died)", () => {
    expect(choosePeerNode(nodes, chain('commune-c1'), 'home')).toBe('province-sfu');
  });

  it("falls back to the meeting's home node when no unit of the chain has a node", () => {
    expect(choosePeerNode([node('x', null), node('y', 'elsewhere')], chain('commune-a1'), 'x')).toBe('x');
    expect(choosePeerNode(nodes, [], 'b-sfu')).toBe('b-sfu');
  });
});

const policy = (overrides: Partial<MediaPolicy> = {}): MediaPolicy => ({
  version: 1,
  speakers: { mode: 'listed', userIds: ['chair'] },
  main: { userId: 'chair', followActiveSpeaker: false },
  floorHolderUserId: null,
  upcomingUserIds: [],
  ...overrides,
});
const tracksOf = (userId: string, nodeId: string, peerId = `p-${userId}`): PublishedTrack[] => [
  { producerId: `${userId}-cam`, nodeId, peerId, userId, source: 'camera' },
  { producerId: `${userId}-mic`, nodeId, peerId, userId, source: 'mic' },
];
const state = (overrides: Partial<CascadeState> = {}): CascadeState => ({
  homeNodeId: 'home',
  nodeIds: ['home', 'a', 'b'],
  tracks: [...tracksOf('chair', 'home'), ...tracksOf('d1', 'a'), ...tracksOf('d2', 'a'), ...tracksOf('d3', 'b')],
  policy: policy(),
  thumbnails: new Map(),
  ...overrides,
});

describe('neededAt', () => {
  it("needs the main user's camera and the speakers' microphones everywhere but at their own node", () => {
    expect(neededAt('a', state())).toEqual(new Set(['chair-cam', 'chair-mic']));
    expect(neededAt('home', state())).toEqual(new Set());
  });

  it('needs the floor holder and the next speakers, and the cameras its own peers show as thumbnails', () => {
    const given = state({
      policy: policy({ speakers: { mode: 'listed', userIds: ['chair', 'd1'] }, main: { userId: 'd1', followActiveSpeaker: false }, floorHolderUserId: 'd1', upcomingUserIds: ['d3'] }),
      thumbnails: new Map([['home', new Set(['p-d2'])]]),
    });
    expect(neededAt('home', given)).toEqual(new Set(['d1-cam', 'd1-mic', 'd3-cam', 'd3-mic', 'd2-cam']));
    expect(neededAt('b', given)).toEqual(new Set(['chair-mic', 'd1-cam', 'd1-mic']));
  });

  it("needs everyone's microphone in open discussion, nothing before a policy", () => {
    expect(neededAt('b', state({ policy: policy({ speakers: { mode: 'everyone' } }) }))).toEqual(new Set(['chair-cam', 'chair-mic', 'd1-mic', 'd2-mic']));
    expect(neededAt('b', state({ policy: null }))).toEqual(new Set());
  });
});

describe('planTransfers', () => {
  it('sends the home main camera to each far node once', () => {
    expect(planTransfers(state())).toEqual([
      { producerId: 'chair-cam', from: 'home', to: 'a' },
      { producerId: 'chair-mic', from: 'home', to: 'a' },
      { producerId: 'chair-cam', from: 'home', to: 'b' },
      { producerId: 'chair-mic', from: 'home', to: 'b' },
    ]);
  });

  it("routes a far node's floor holder through the home node, once into it, then on to the other far nodes", () => {
    const given = state({ policy: policy({ speakers: { mode: 'listed', userIds: ['d1'] }, main: { userId: 'd1', followActiveSpeaker: false }, floorHolderUserId: 'd1' }) });
    expect(planTransfers(given)).toEqual([
      { producerId: 'd1-cam', from: 'a', to: 'home' },
      { producerId: 'd1-mic', from: 'a', to: 'home' },
      { producerId: 'd1-cam', from: 'home', to: 'b' },
      { producerId: 'd1-mic', from: 'home', to: 'b' },
    ]);
  });

  it('needs nothing across links when the meeting is on one node', () => {
    expect(planTransfers(state({ nodeIds: ['home'], tracks: tracksOf('chair', 'home') }))).toEqual([]);
  });
});
