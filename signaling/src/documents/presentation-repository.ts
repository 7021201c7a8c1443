import { PresentationState } from '@ehop/protocol';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/** Bumps the meeting's version counter and stores the state with it, atomically. */
const SAVE_WITH_NEXT_VERSION = `
local version = redis.call('INCR', KEYS[2])
local state = cjson.decode(ARGV[1])
state['version'] = version
local json = cjson.encode(state)
redis.call('SET', KEYS[1], json)
return json`;

/**
 * The presentation of each meeting (what is shown, by whom) and who the chair designated as
 * presenter. In Redis, so every signaling node and a restarted one agree on it.
 */
export class PresentationRepository {
  constructor(private readonly redis: RedisClient) {}

  async get(meetingId: string): Promise<PresentationState | null> {
    const json = await this.redis.get(keys.presentation(meetingId));
    return json ? PresentationState.parse(JSON.parse(json)) : null;
  }

  /** Stores the new state with the next version number; resolves to what was stored. */
  async save(state: Omit<PresentationState, 'version'>): Promise<PresentationState> {
    const json = await this.redis.eval(SAVE_WITH_NEXT_VERSION, {
      keys: [keys.presentation(state.meetingId), keys.presentationVersion(state.meetingId)],
      arguments: [JSON.stringify({ ...state, version: 0 })],
    });
    return PresentationState.parse(JSON.parse(String(json)));
  }

  async clear(meetingId: string): Promise<void> {
    await this.redis.del(keys.presentation(meetingId));
  }

  async designatedPresenter(meetingId: string): Promise<string | null> {
    return this.redis.get(keys.designatedPresenter(meetingId));
  }

  async designate(meetingId: string, userId: string | null): Promise<void> {
    if (userId) await this.redis.set(keys.designatedPresenter(meetingId), userId);
    else await this.redis.del(keys.designatedPresenter(meetingId));
  }
}
