import { z } from 'zod';
import { Id, MediaPolicy, MediaSource } from '@ehop/protocol';
import type { Logger } from '../logger.js';
import { closeConnection, duplicateConnection, type RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';
import type { MeetingCascade } from './meeting-cascade.js';

/** What the cascade of every signaling node must know, wherever the request passed. */
export const CascadeEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('peerPlaced'), roomId: Id, homeNodeId: z.string(), peerId: Id, userId: Id, nodeId: z.string() }),
  z.object({ type: z.literal('peerClosed'), roomId: Id, peerId: Id }),
  z.object({ type: z.literal('trackPublished'), roomId: Id, peerId: Id, producerId: z.string(), source: MediaSource }),
  z.object({ type: z.literal('trackClosed'), roomId: Id, producerId: z.string() }),
  z.object({ type: z.literal('policySet'), roomId: Id, policy: MediaPolicy }),
  z.object({ type: z.literal('viewSet'), roomId: Id, peerId: Id, thumbnails: z.array(Id) }),
  z.object({ type: z.literal('meetingClosed'), roomId: Id }),
]);
export type CascadeEvent = z.infer<typeof CascadeEvent>;

/**
 * The cascade's inputs, shared by every signaling node through Redis pub/sub (the publisher hears
 * its own too, in the order it sent them): a peer publishes through one node, the chair's grant
 * passes through another, and each node's cascade must see both to plan the same links. Every node
 * then drives the links the same way; the SFU's link requests are idempotent (or answer `conflict`,
 * which the cascade takes as done), and each link event reaches one node, which knows the link.
 * A node started after the meeting's media opened knows only what happened since.
 */
export class CascadeEvents {
  private subscriber: RedisClient | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly cascade: MeetingCascade,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.subscriber = await duplicateConnection(this.redis, this.logger);
    await this.subscriber.subscribe(keys.sfuCascadeChannel(), (message) => this.deliver(message));
  }

  async stop(): Promise<void> {
    if (this.subscriber) await closeConnection(this.subscriber);
    this.subscriber = null;
  }

  /** Every node hears it; without the subscription (not started: tests, Redis away) only this one. */
  async publish(event: CascadeEvent): Promise<void> {
    if (!this.subscriber) return applyCascadeEvent(this.cascade, event);
    try {
      await this.redis.publish(keys.sfuCascadeChannel(), JSON.stringify(event));
    } catch (error) {
      this.logger.warn({ err: error, event: event.type }, 'could not share a cascade change: only this node acts on it');
      applyCascadeEvent(this.cascade, event);
    }
  }

  private deliver(message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      parsed = undefined;
    }
    const event = CascadeEvent.safeParse(parsed);
    if (event.success) applyCascadeEvent(this.cascade, event.data);
    else this.logger.warn({ message }, 'ignored an unreadable cascade event');
  }
}

export function applyCascadeEvent(cascade: MeetingCascade, event: CascadeEvent): void {
  switch (event.type) {
    case 'peerPlaced':
      return cascade.peerPlaced(event.roomId, event.homeNodeId, event.peerId, event.userId, event.nodeId);
    case 'peerClosed':
      return cascade.peerClosed(event.roomId, event.peerId);
    case 'trackPublished':
      return cascade.trackPublished(event.roomId, event.peerId, event.producerId, event.source);
    case 'trackClosed':
      return cascade.trackClosed(event.roomId, event.producerId);
    case 'policySet':
      return cascade.policySet(event.roomId, event.policy);
    case 'viewSet':
      return cascade.viewSet(event.roomId, event.peerId, event.thumbnails);
    case 'meetingClosed':
      return cascade.meetingClosed(event.roomId);
  }
}
