import { z } from 'zod';
import { Id } from './domain.js';
import { SfuNodeLoad } from './sfu-api.js';

/**
 * What an SFU node announces about itself in Redis (sfu-server/src/cluster/node-announcer.ts),
 * read by every signaling node (signaling/src/media/sfu-directory.ts). The record expires unless
 * the node renews it, so a node that died disappears within `SFU_NODE_TTL_MS`.
 */
export const SfuNodeRecord = SfuNodeLoad.extend({
  id: Id,
  /** The internal API signaling connects to (http or https). */
  url: z.url(),
  /** The unit (district, or the province) whose endpoints this node serves first; null: any. */
  unitId: Id.nullable(),
  /** When the node wrote this record (ms since the epoch). */
  updatedAt: z.number().int(),
});
export type SfuNodeRecord = z.infer<typeof SfuNodeRecord>;

/** Redis keys of the SFU node registry; the `sfu` ACL user may touch only these. */
export const sfuNodeKeys = {
  /** Set of the ids of nodes that announced themselves (dead ones are pruned by signaling). */
  index: () => 'ehop:sfu:nodes',
  /** String (an SfuNodeRecord as JSON) with an expiry the node keeps pushing back. */
  node: (nodeId: string) => `ehop:sfu:node:${nodeId}`,
};

/** How long a node's record lives without renewal; it renews every third of that. */
export const SFU_NODE_TTL_MS = 3_000;
