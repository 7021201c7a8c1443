import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/**
 * The meetings whose ending began and is not finished yet. A meeting is put here before its
 * status becomes `ended` and taken out once everything that follows is done, so whatever a
 * crash interrupts is found again. A meeting here that never ended (the node died between the
 * two writes) is harmless: it is skipped until it ends.
 */
export class PendingEndings {
  constructor(private readonly redis: RedisClient) {}

  async add(meetingId: string): Promise<void> {
    await this.redis.sAdd(keys.meetingsEnding(), meetingId);
  }

  async done(meetingId: string): Promise<void> {
    await this.redis.sRem(keys.meetingsEnding(), meetingId);
  }

  async has(meetingId: string): Promise<boolean> {
    return Boolean(await this.redis.sIsMember(keys.meetingsEnding(), meetingId));
  }

  async list(): Promise<string[]> {
    return this.redis.sMembers(keys.meetingsEnding());
  }
}
