/** What placement needs to know of a live SFU node. */
export interface PlacementCandidate {
  id: string;
  /** The unit (district or province) it serves first; null: any. */
  unitId: string | null;
  peers: number;
  rooms: number;
}

/**
 * Which SFU node carries a meeting: the node of the nearest unit above the meeting's home (its
 * chair's unit, then that unit's district, then the province), so that a district's meeting and
 * its communes stay on the district's server; where no unit has a node, the least loaded one
 * (fewest peers, then fewest meetings, then the smaller id, so that every signaling node that
 * sees the same registry chooses the same). Undefined when no node is alive.
 *
 * `homeUnitIds`: the home unit first, then each parent up to the root.
 */
export function chooseSfuNode(candidates: readonly PlacementCandidate[], homeUnitIds: readonly string[]): PlacementCandidate | undefined {
  for (const unitId of homeUnitIds) {
    const local = leastLoaded(candidates.filter((candidate) => candidate.unitId === unitId));
    if (local) return local;
  }
  return leastLoaded(candidates);
}

function leastLoaded(candidates: readonly PlacementCandidate[]): PlacementCandidate | undefined {
  return [...candidates].sort((a, b) => a.peers - b.peers || a.rooms - b.rooms || a.id.localeCompare(b.id))[0];
}

/** A unit and its ancestors, nearest first, from the parent links of the unit tree (cycles stop it). */
export function unitAndAncestors(unitId: string, parentOf: (unitId: string) => string | null | undefined): string[] {
  const chain: string[] = [];
  for (let current: string | null | undefined = unitId; current && !chain.includes(current); current = parentOf(current)) {
    chain.push(current);
  }
  return chain;
}
