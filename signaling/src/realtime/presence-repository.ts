import { Id, PeerInfo } from '@ehop/protocol';
import { z } from 'zod';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';
import { liveNodeIds } from './node-heartbeat.js';

const PresenceEntry = z.object({ nodeId: Id, peer: PeerInfo });
type PresenceEntry = z.infer<typeof PresenceEntry>;

/**
 * Who is connected to a meeting's media right now, shared by every signaling node.
 * Each entry remembers the node that owns the peer's socket, so entries left behind by a
 * crashed node can be recognised (its heartbeat key has expired) and pruned.
 */
export class PresenceRepository {
  constructor(private readonly redis: RedisClient) {}

  /** Adds or replaces the peer's entry. */
  async put(meetingId: string, nodeId: string, peer: PeerInfo): Promise<void> {
    const entry: PresenceEntry = { nodeId, peer };
    await this.redis.hSet(keys.meetingPeers(meetingId), peer.peerId, JSON.stringify(entry));
  }

  async remove(meetingId: string, peerId: string): Promise<void> {
    await this.redis.hDel(keys.meetingPeers(meetingId), peerId);
  }

  /** The meeting's live peers; entries of dead nodes (and unreadable ones) are deleted on the way. */
  async list(meetingId: string): Promise<PeerInfo[]> {
    const entries = parseEntries(await this.redis.hGetAll(keys.meetingPeers(meetingId)));
    const liveNodes = await liveNodeIds(this.redis, entries.valid.map((entry) => entry.nodeId));
    const stale = [...entries.invalid, ...entries.valid.filter((e) => !liveNodes.has(e.nodeId)).map((e) => e.peer.peerId)];
    if (stale.length > 0) await this.redis.hDel(keys.meetingPeers(meetingId), stale);
    return entries.valid.filter((entry) => liveNodes.has(entry.nodeId)).map((entry) => entry.peer);
  }
}

function parseEntries(fields: Record<string, string>): { valid: PresenceEntry[]; invalid: string[] } {
  const valid: PresenceEntry[] = [];
  const invalid: string[] = [];
  for (const [peerId, json] of Object.entries(fields)) {
    const entry = PresenceEntry.safeParse(safeJson(json));
    if (entry.success) valid.push(entry.data);
    else invalid.push(peerId);
  }
  return { valid, invalid };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
