import { chooseSfuNode, type PlacementCandidate } from './placement-rule.js';

/**
 * Which SFU node carries one peer of a meeting (SFU_PEER_PLACEMENT=unit): the node of the
 * nearest unit at or above the peer's own unit (its commune's district, then the province) among
 * the live nodes, so that a commune's picture crosses its district's network once instead of once
 * per receiver; where no unit of the chain has a node, the meeting's home node. Deterministic
 * (the least loaded of a unit's nodes, then the smaller id), so every signaling node that sees the
 * same registry agrees.
 *
 * `peerUnitIds`: the peer's unit first, then each parent up to the root (unitAndAncestors).
 */
export function choosePeerNode(candidates: readonly PlacementCandidate[], peerUnitIds: readonly string[], homeNodeId: string): string {
  for (const unitId of peerUnitIds) {
    const local = chooseSfuNode(
      candidates.filter((candidate) => candidate.unitId === unitId),
      [],
    );
    if (local) return local.id;
  }
  return homeNodeId;
}
