import { Agenda } from '@ehop/protocol';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';
import { VersionedDocument } from '../redis/versioned-document.js';

/** Each meeting's agenda in Redis, versioned: a write succeeds only on top of the version it read. */
export class AgendaRepository {
  private readonly documents: VersionedDocument<Agenda>;

  constructor(redis: RedisClient) {
    this.documents = new VersionedDocument(redis, Agenda);
  }

  /** The meeting's agenda; an empty one at version 0 before anything was written. */
  async get(meetingId: string): Promise<Agenda> {
    const { version, value } = await this.documents.read(keys.meetingAgenda(meetingId));
    return value ? { ...value, version } : { meetingId, version: 0, items: [], current: null };
  }

  /** Stores `next` as the version after `previous`; null when someone changed it meanwhile. */
  async replace(previous: Agenda, next: Pick<Agenda, 'items' | 'current'>): Promise<Agenda | null> {
    const agenda: Agenda = { meetingId: previous.meetingId, version: previous.version + 1, ...next };
    const written = await this.documents.compareAndSet(keys.meetingAgenda(previous.meetingId), previous.version, agenda);
    return written ? agenda : null;
  }
}
