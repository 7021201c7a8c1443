import { z } from 'zod';
import { Id, RequestError } from '@ehop/protocol';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';
import { VersionedDocument } from '../redis/versioned-document.js';
import { chooseSfuNode, type PlacementCandidate } from './placement-rule.js';

const Placement = z.object({ nodeId: Id });

/** A handful: placements race only when two signaling nodes open the same meeting at once. */
const MAX_ATTEMPTS = 5;

/**
 * Which SFU node carries each meeting, agreed by every signaling node through Redis: the first to
 * open a meeting's media places it (chooseSfuNode); the others read that. A meeting stays where it
 * is while its node lives, so a node that comes back does not split running meetings; once its
 * node is gone, the next opening places it again (compare-and-set: one winner). Read often, hence
 * a local copy, forgotten when its node goes.
 */
export class MeetingPlacements {
  private readonly documents: VersionedDocument<z.infer<typeof Placement>>;
  private readonly known = new Map<string, string>();

  constructor(redis: RedisClient) {
    this.documents = new VersionedDocument(redis, Placement);
  }

  /** The node of a meeting whose media is open, or undefined if this node has not seen it placed. */
  cached(meetingId: string): string | undefined {
    return this.known.get(meetingId);
  }

  /** The meetings this signaling node knows to be on `nodeId`. */
  meetingsOn(nodeId: string): string[] {
    return [...this.known].filter(([, placed]) => placed === nodeId).map(([meetingId]) => meetingId);
  }

  /** A node is gone: where its meetings go is decided again at their next opening. */
  forgetNode(nodeId: string): void {
    for (const meetingId of this.meetingsOn(nodeId)) this.known.delete(meetingId);
  }

  forget(meetingId: string): void {
    this.known.delete(meetingId);
  }

  /**
   * The meeting's node: the stored one if it is among `alive`, else a new choice stored for all.
   * `homeUnitIds` is only read when a choice must be made.
   */
  async place(meetingId: string, alive: readonly PlacementCandidate[], homeUnitIds: () => Promise<string[]>): Promise<string> {
    const key = keys.meetingSfuNode(meetingId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.documents.read(key);
      if (stored.value && alive.some((node) => node.id === stored.value!.nodeId)) return this.remember(meetingId, stored.value.nodeId);
      const chosen = chooseSfuNode(alive, await homeUnitIds());
      if (!chosen) throw new RequestError('media_unavailable', 'No media server is running; retry shortly');
      if (await this.documents.compareAndSet(key, stored.version, { nodeId: chosen.id })) return this.remember(meetingId, chosen.id);
    }
    throw new RequestError('media_unavailable', 'The media server could not be chosen; retry');
  }

  private remember(meetingId: string, nodeId: string): string {
    this.known.set(meetingId, nodeId);
    return nodeId;
  }
}
