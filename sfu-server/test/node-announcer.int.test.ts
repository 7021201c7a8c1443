import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from 'redis';
import { pino } from 'pino';
import { SfuNodeRecord, sfuNodeKeys } from '@ehop/protocol';
import { startRedis, type RedisHandle } from '@ehop/testkit';
import { NodeAnnouncer } from '../src/cluster/node-announcer.js';

/*
 * An SFU node announces itself with Redis's `sfu` user: its record (address, unit, load) is there
 * for signaling to read and renewed, the user can touch nothing else, and stopping removes it.
 */
let redis: RedisHandle;
let admin: ReturnType<typeof createClient>;

beforeAll(async () => {
  redis = await startRedis();
  admin = createClient({ url: redis.adminUrl });
  await admin.connect();
});
afterAll(async () => {
  await admin?.quit();
  await redis?.stop();
});

const readRecord = async (nodeId: string) => {
  const json = await admin.get(sfuNodeKeys.node(nodeId));
  return json === null ? null : SfuNodeRecord.parse(JSON.parse(json));
};

it('keeps its record with its current load, alive while it runs and gone when it stops', async () => {
  let peers = 3;
  const announcer = new NodeAnnouncer(
    { redisUrl: redis.sfuUrl, nodeId: 'sfu-huyen', url: 'http://10.0.2.1:4000', unitId: 'huyen-lac-son', load: () => ({ workers: 2, rooms: 1, peers }) },
    pino({ level: 'silent' }),
  );
  await announcer.start();
  expect(await readRecord('sfu-huyen')).toMatchObject({ id: 'sfu-huyen', url: 'http://10.0.2.1:4000', unitId: 'huyen-lac-son', workers: 2, rooms: 1, peers: 3 });
  expect(await admin.sMembers(sfuNodeKeys.index())).toEqual(['sfu-huyen']);
  const ttl = await admin.pTTL(sfuNodeKeys.node('sfu-huyen'));
  expect(ttl).toBeGreaterThan(0);

  peers = 7;
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect((await readRecord('sfu-huyen'))?.peers).toBe(7);

  await announcer.stop();
  expect(await readRecord('sfu-huyen')).toBeNull();
  expect(await admin.sMembers(sfuNodeKeys.index())).toEqual([]);
});

it("may touch only the registry's keys: not the accounts, not the meetings, nothing administrative", async () => {
  await admin.hSet('user:u-admin', { id: 'u-admin', passwordHash: 'x' });
  const sfu = createClient({ url: redis.sfuUrl });
  await sfu.connect();
  try {
    await expect(sfu.hGetAll('user:u-admin')).rejects.toThrow(/NOPERM/);
    await expect(sfu.set('meeting:m1', 'forged')).rejects.toThrow(/NOPERM/);
    await expect(sfu.sendCommand(['KEYS', '*'])).rejects.toThrow(/NOPERM/);
    await expect(sfu.sendCommand(['CONFIG', 'GET', 'dir'])).rejects.toThrow(/NOPERM/);
    await expect(sfu.set(sfuNodeKeys.node('probe'), '{}')).resolves.toBe('OK');
  } finally {
    await sfu.quit();
  }
});
