import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { startRedis, type RedisHandle } from '@ehop/testkit';
import type { PeerInfo } from '@ehop/protocol';
import { authenticate } from '../src/accounts/authenticate.js';
import { UserRepository } from '../src/accounts/user-repository.js';
import { MeetingRepository } from '../src/meetings/meeting-repository.js';
import type { RedisClient } from '../src/redis/client.js';
import { NodeHeartbeat } from '../src/realtime/node-heartbeat.js';
import { PresenceRepository } from '../src/realtime/presence-repository.js';
import { DEMO_MEETING_ID, DEMO_USERS, RESTRICTED_MEETING_ID, seedDemo } from '../src/seed/demo-seed.js';
import { pino } from 'pino';

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

describe('demo seed', () => {
  it('writes the province, accounts and meetings, and running it again changes nothing but the password', async () => {
    const result = await seedDemo(redis, { password: 'first-password' });
    expect(result.users.map((user) => user.username)).toEqual([
      'chutri',
      'thuky',
      'daibieu1',
      'daibieu2',
      'daibieu3',
      'diemcau-tinh',
      'diemcau-huyen',
      'diemcau-xa',
      'quansat',
      'admin',
    ]);
    const keysAfterFirst = (await redis.keys('*')).sort();

    await seedDemo(redis, { password: 'second-password' });
    expect((await redis.keys('*')).sort()).toEqual(keysAfterFirst);

    const users = new UserRepository(redis);
    expect(await authenticate(users, 'chutri', 'first-password')).toBeNull();
    expect((await authenticate(users, 'chutri', 'second-password'))?.id).toBe('u-chutri');
    expect((await users.get('u-admin'))?.isAdmin).toBe(true);

    const meetings = new MeetingRepository(redis);
    const demo = await meetings.get(DEMO_MEETING_ID);
    // Everyone but the administrator, who organises meetings without attending them.
    expect(demo?.members.map((member) => member.userId)).toEqual(DEMO_USERS.filter((user) => !user.isAdmin).map((user) => user.id));
    expect(demo?.status).toBe('published');
    const restricted = await meetings.get(RESTRICTED_MEETING_ID);
    expect(restricted?.members.map((member) => member.userId)).not.toContain('u-daibieu2');
    expect((await meetings.listForUser('u-daibieu2')).map((meeting) => meeting.id)).toEqual([DEMO_MEETING_ID]);
  });

  it('removes a member from "my meetings" when the meeting no longer lists them', async () => {
    const meetings = new MeetingRepository(redis);
    const meeting = (await meetings.get(DEMO_MEETING_ID))!;
    await meetings.save({ ...meeting, members: meeting.members.filter((member) => member.userId !== 'u-daibieu1') });
    expect((await meetings.listForUser('u-daibieu1')).map((m) => m.id)).toEqual([RESTRICTED_MEETING_ID]);
    await seedDemo(redis);
    expect((await meetings.listForUser('u-daibieu1')).map((m) => m.id).sort()).toEqual([RESTRICTED_MEETING_ID, DEMO_MEETING_ID].sort());
  });
});

describe('presence', () => {
  const peer = (peerId: string): PeerInfo => ({
    peerId,
    userId: 'u-chutri',
    displayName: 'Chủ trì',
    role: 'chair',
    unit: { id: 'tinh-hoa-binh', name: 'Tỉnh Hòa Bình', level: 'province', parentId: null },
    micOn: false,
    camOn: false,
  });

  it('lists peers of live nodes and prunes those left behind by a crashed node', async () => {
    const presence = new PresenceRepository(redis);
    const alive = new NodeHeartbeat('node-alive', redis, pino({ level: 'silent' }));
    await alive.start();
    await presence.put('m-presence', 'node-alive', peer('p-live'));
    await presence.put('m-presence', 'node-crashed', peer('p-ghost'));
    await redis.hSet('meeting:m-presence:peers', 'p-garbage', '{not json');

    expect((await presence.list('m-presence')).map((p) => p.peerId)).toEqual(['p-live']);
    expect(await redis.hKeys('meeting:m-presence:peers')).toEqual(['p-live']);

    // A node that stops cleanly takes its heartbeat with it: its peers vanish from lists.
    await alive.stop();
    expect(await presence.list('m-presence')).toEqual([]);
  });

  it('keeps the heartbeat key only for a short time', async () => {
    const heartbeat = new NodeHeartbeat('node-ttl', redis, pino({ level: 'silent' }));
    await heartbeat.start();
    const ttl = await redis.pTTL('signaling-node:node-ttl:alive');
    expect(ttl).toBeGreaterThan(5_000);
    expect(ttl).toBeLessThanOrEqual(15_000);
    await heartbeat.stop();
  });
});
