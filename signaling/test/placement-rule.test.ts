import { describe, expect, it } from 'vitest';
import { chooseSfuNode, unitAndAncestors, type PlacementCandidate } from '../src/media/placement-rule.js';

const node = (id: string, unitId: string | null, peers = 0, rooms = 0): PlacementCandidate => ({ id, unitId, peers, rooms });
const parents: Record<string, string | null> = { province: null, 'district-a': 'province', 'district-b': 'province', 'commune-a1': 'district-a' };

describe('chooseSfuNode', () => {
  const nodes = [node('province-sfu', 'province', 50), node('a-sfu', 'district-a', 90), node('b-sfu', 'district-b', 0)];

  it("puts a commune's meeting on its district's node, however loaded", () => {
    expect(chooseSfuNode(nodes, unitAndAncestors('commune-a1', (id) => parents[id]))?.id).toBe('a-sfu');
  });

  it("puts the province's meeting on the province's node", () => {
    expect(chooseSfuNode(nodes, ['province'])?.id).toBe('province-sfu');
  });

  it("falls back to the province's node when the district has none (or its node died)", () => {
    const withoutA = nodes.filter((candidate) => candidate.id !== 'a-sfu');
    expect(chooseSfuNode(withoutA, unitAndAncestors('commune-a1', (id) => parents[id]))?.id).toBe('province-sfu');
  });

  it('takes the least loaded node when no unit of the chain has one, the same on every signaling node', () => {
    const anonymous = [node('n2', null, 5, 1), node('n1', null, 5, 1), node('n3', null, 7, 0)];
    expect(chooseSfuNode(anonymous, ['somewhere'])?.id).toBe('n1');
    expect(chooseSfuNode([...anonymous].reverse(), [])?.id).toBe('n1');
    expect(chooseSfuNode([node('busy', null, 9), node('idle', null, 2)], [])?.id).toBe('idle');
  });

  it('says so when no node is alive', () => {
    expect(chooseSfuNode([], ['province'])).toBeUndefined();
  });
});

describe('unitAndAncestors', () => {
  it('walks from a unit up to the root', () => {
    expect(unitAndAncestors('commune-a1', (id) => parents[id])).toEqual(['commune-a1', 'district-a', 'province']);
  });

  it('stops at a cycle instead of looping', () => {
    const cyclic: Record<string, string> = { x: 'y', y: 'x' };
    expect(unitAndAncestors('x', (id) => cyclic[id])).toEqual(['x', 'y']);
  });
});
