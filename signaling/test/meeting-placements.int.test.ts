import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { startRedis, type RedisHandle } from '@ehop/testkit';
import { MeetingPlacements } from '../src/media/meeting-placements.js';
import type { PlacementCandidate } from '../src/media/placement-rule.js';
import type { RedisClient } from '../src/redis/client.js';

/*
 * Where a meeting's media lives, agreed by every signaling node through Redis: two nodes placing
 * the same meeting at once agree, a placed meeting stays while its node lives (a better node
 * appearing later does not split it), and moves once its node is gone.
 */
let redisServer: RedisHandle;
let redis: RedisClient;

beforeAll(async () => {
  redisServer = await startRedis();
  redis = createClient({ url: redisServer.url });
  await redis.connect();
});
afterAll(async () => {
  await redis?.quit();
  await redisServer?.stop();
});

const node = (id: string, unitId: string | null, peers = 0): PlacementCandidate => ({ id, unitId, peers, rooms: 0 });
const home = (...unitIds: string[]) => async () => unitIds;

describe('MeetingPlacements', () => {
  it('lets signaling nodes placing a meeting at the same moment agree on one node', async () => {
    // Each node sees a different load (their registry reads differ by a second): they would choose differently alone.
    const views = Array.from({ length: 8 }, (_, index) => [node('a', null, index % 2), node('b', null, 1 - (index % 2))]);
    const chosen = await Promise.all(views.map((alive) => new MeetingPlacements(redis).place('m-race', alive, home())));
    expect(new Set(chosen).size).toBe(1);
  });

  it("keeps a meeting on its node while that node lives, though its district's node appears later", async () => {
    const first = new MeetingPlacements(redis);
    expect(await first.place('m-sticky', [node('province', 'tinh')], home('huyen', 'tinh'))).toBe('province');
    const later = new MeetingPlacements(redis);
    expect(await later.place('m-sticky', [node('province', 'tinh'), node('district', 'huyen')], home('huyen', 'tinh'))).toBe('province');
    // A new meeting of the district goes to the district's node.
    expect(await later.place('m-new', [node('province', 'tinh'), node('district', 'huyen')], home('huyen', 'tinh'))).toBe('district');
  });

  it('moves a meeting whose node is gone, once, for every signaling node', async () => {
    const one = new MeetingPlacements(redis);
    const other = new MeetingPlacements(redis);
    expect(await one.place('m-move', [node('district', 'huyen'), node('province', 'tinh')], home('huyen', 'tinh'))).toBe('district');
    expect(one.meetingsOn('district')).toEqual(['m-move']);
    one.forgetNode('district');
    expect(one.cached('m-move')).toBeUndefined();
    const survivors = [node('province', 'tinh'), node('spare', null)];
    const [moved, seenByOther] = await Promise.all([one.place('m-move', survivors, home('huyen', 'tinh')), other.place('m-move', survivors, home('huyen', 'tinh'))]);
    expect([moved, seenByOther]).toEqual(['province', 'province']);
  });

  it('says media is unavailable when no node is alive, and stores nothing', async () => {
    await expect(new MeetingPlacements(redis).place('m-none', [], home('tinh'))).rejects.toMatchObject({ code: 'media_unavailable' });
    expect(await redis.exists('meeting:m-none:sfu-node')).toBe(0);
  });
});
