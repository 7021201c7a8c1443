import { Id, MeetingStatus } from '@ehop/protocol';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/** A meeting's status changed (it is already saved): every node acts for what it holds. */
export const MeetingStatusChanged = z.object({ type: z.literal('statusChanged'), meetingId: Id, status: MeetingStatus });
export type MeetingStatusChanged = z.infer<typeof MeetingStatusChanged>;

export const MeetingEvent = z.discriminatedUnion('type', [MeetingStatusChanged]);
export type MeetingEvent = z.infer<typeof MeetingEvent>;

/**
 * What one node does when it hears of an event. Handlers act on what this node holds (its
 * sockets, its recordings) and must be idempotent: an event can arrive twice (an ending that is
 * finished again) and can be missed while the subscription is down, when `missedEvents` runs
 * instead so the handler can compare what it holds with what Redis says.
 */
export interface MeetingEventHandler {
  statusChanged(event: MeetingStatusChanged): Promise<void>;
  missedEvents?(): Promise<void>;
}

/**
 * The meetings' domain events, on every signaling node: published through Redis pub/sub, heard
 * by every node's handlers (the publisher's own included), so "the meeting ended" reaches the
 * node that holds a recording or a socket wherever the request to end it arrived.
 */
export class MeetingEvents {
  private readonly handlers: MeetingEventHandler[] = [];

  constructor(
    private readonly publisher: RedisClient,
    /** A connection of its own: a subscribed connection cannot run other commands. */
    private readonly subscriber: RedisClient,
    private readonly logger: Logger,
  ) {}

  on(handler: MeetingEventHandler): void {
    this.handlers.push(handler);
  }

  async start(): Promise<void> {
    await this.subscriber.subscribe(keys.meetingEventsChannel(), (message) => void this.deliver(message));
    // Pub/sub drops what is sent while the connection is down: after a reconnect, catch up.
    this.subscriber.on('ready', () => void this.catchUp());
  }

  async stop(): Promise<void> {
    if (this.subscriber.isOpen) await this.subscriber.quit();
  }

  async publish(event: MeetingEvent): Promise<void> {
    await this.publisher.publish(keys.meetingEventsChannel(), JSON.stringify(MeetingEvent.parse(event)));
  }

  private async deliver(message: string): Promise<void> {
    const event = MeetingEvent.safeParse(safeJson(message));
    if (!event.success) {
      this.logger.warn({ message }, 'ignored an unreadable meeting event');
      return;
    }
    await Promise.all(
      this.handlers.map((handler) =>
        handler.statusChanged(event.data).catch((error: unknown) => this.logger.error({ err: error, event: event.data }, 'a meeting event handler failed')),
      ),
    );
  }

  private async catchUp(): Promise<void> {
    await Promise.all(
      this.handlers.map((handler) =>
        handler.missedEvents?.().catch((error: unknown) => this.logger.error({ err: error }, 'catching up on meeting events failed')),
      ),
    );
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
