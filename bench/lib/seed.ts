import { createClient } from 'redis';
import type { MeetingRole, Unit } from '@ehop/protocol';
import { buildSignaling } from '@ehop/testkit';

export const BENCH_PASSWORD = 'bench-password-2026';

export interface BenchMember {
  userId: string;
  username: string;
  displayName: string;
  role: MeetingRole;
  /** The province's or the district's unit above the member's own (where a unit-placed SFU node serves it). */
  nodeUnitId: string;
}

export interface BenchMeeting {
  meetingId: string;
  chair: BenchMember;
  /** Synthetic endpoints, the chair first. */
  synthetic: BenchMember[];
  /** Members who join from a real Chromium. */
  browsers: BenchMember[];
}

export interface SeedOptions {
  /** How many districts (default 10): member i is in district `i % districts`, or one of its communes. */
  districts?: number;
  /** Every n-th member (besides the chair) is at the province itself; 0 (default): only the chair. */
  provinceEvery?: number;
}

/** The unit ids the bench seeds: the province `bench-tinh`, districts `bench-huyen-1`.., communes `bench-xa-{index}`. */
export const BENCH_PROVINCE_ID = 'bench-tinh';
export const benchDistrictId = (n: number): string => `bench-huyen-${n}`;

/**
 * A province with 10 districts (or `options.districts`) and their communes, and one meeting: a
 * chair (at the province), `syntheticCount - 1` more endpoints spread over the districts and
 * communes, and `browserCount` hall TVs. Written with signaling's own repositories (built first),
 * one password hash shared by all.
 */
export async function seedBenchMeeting(redisUrl: string, meetingId: string, syntheticCount: number, browserCount: number, options: SeedOptions = {}): Promise<BenchMeeting> {
  const DISTRICTS = options.districts ?? 10;
  const provinceEvery = options.provinceEvery ?? 0;
  await buildSignaling();
  const { UserRepository } = await import('../../signaling/dist/accounts/user-repository.js');
  const { UnitRepository } = await import('../../signaling/dist/accounts/unit-repository.js');
  const { MeetingRepository } = await import('../../signaling/dist/meetings/meeting-repository.js');
  const { hashPassword } = await import('../../signaling/dist/accounts/password.js');

  const redis = createClient({ url: redisUrl });
  await redis.connect();
  try {
    const units = new UnitRepository(redis as never);
    const users = new UserRepository(redis as never);
    const meetings = new MeetingRepository(redis as never);
    const province: Unit = { id: BENCH_PROVINCE_ID, name: 'Tỉnh Thử Nghiệm', level: 'province', parentId: null };
    await units.save(province);
    const districts: Unit[] = Array.from({ length: DISTRICTS }, (_, i) => ({
      id: benchDistrictId(i + 1),
      name: `Huyện Thử Nghiệm ${i + 1}`,
      level: 'district',
      parentId: province.id,
    }));
    for (const district of districts) await units.save(district);

    const passwordHash = await hashPassword(BENCH_PASSWORD);
    const unitFor = async (index: number): Promise<{ unitId: string; nodeUnitId: string }> => {
      if (index === 0 || (provinceEvery > 0 && index % provinceEvery === 0)) return { unitId: province.id, nodeUnitId: province.id };
      const district = districts[index % DISTRICTS]!;
      if (index % 3 === 0) return { unitId: district.id, nodeUnitId: district.id };
      const commune: Unit = { id: `bench-xa-${index}`, name: `Xã Thử Nghiệm ${index}`, level: 'commune', parentId: district.id };
      await units.save(commune);
      return { unitId: commune.id, nodeUnitId: district.id };
    };
    const member = async (username: string, displayName: string, role: MeetingRole, index: number): Promise<BenchMember> => {
      const userId = `u-${username}`;
      const kind = role === 'endpoint' ? 'endpoint' : 'person';
      const { unitId, nodeUnitId } = await unitFor(index);
      await users.save({ id: userId, username, displayName, unitId, isAdmin: false, kind, passwordHash });
      return { userId, username, displayName, role, nodeUnitId };
    };

    const chair = await member(`${meetingId}-chutri`, 'Chủ trì thử nghiệm', 'chair', 0);
    const synthetic = [chair];
    for (let i = 1; i < syntheticCount; i++) synthetic.push(await member(`${meetingId}-dc${i}`, `Điểm cầu ${i}`, 'endpoint', i));
    const browsers: BenchMember[] = [];
    for (let i = 0; i < browserCount; i++) browsers.push(await member(`${meetingId}-tv${i + 1}`, `Hội trường ${i + 1}`, 'endpoint', 1000 + i));

    await meetings.save({
      id: meetingId,
      title: `Bench ${meetingId}`,
      startsAt: new Date().toISOString(),
      location: 'Bench',
      status: 'in_progress',
      members: [...synthetic, ...browsers].map(({ userId, role }) => ({ userId, role })),
    });
    return { meetingId, chair, synthetic, browsers };
  } finally {
    await redis.quit();
  }
}

/** Logs in over HTTP; resolves to the session cookie. */
export async function login(baseUrl: string, username: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: BENCH_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status}`);
  const cookie = response.headers.getSetCookie().find((header) => header.startsWith('ehop.sid='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}
