import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startSfuServer, type SfuServerHandle } from '@ehop/testkit';
import { SignalingLink, waitUntil } from './support/signaling-link.js';

interface HealthBody {
  status: string;
  service: string;
  checks: Record<string, boolean>;
  workers: { pid: number; rooms: number; rtcPorts: { udp: number; tcp: number } }[];
  rooms: number;
}

let sfu: SfuServerHandle;
let link: SignalingLink;

// One worker, so that a room opened after the crash can only be on the replacement.
beforeAll(async () => {
  sfu = await startSfuServer({ env: { SFU_WORKERS: '1' } });
  link = await SignalingLink.connect(sfu.url, sfu.secret);
});
afterAll(async () => {
  link?.close();
  await sfu?.stop();
});

/** The full report needs the secret (without it /healthz says only up or not: see below). */
async function health(): Promise<{ httpStatus: number; body: HealthBody }> {
  const { status, body } = await getJson(`${sfu.url}/healthz`, { headers: { authorization: `Bearer ${sfu.secret}` } });
  return { httpStatus: status, body: body as HealthBody };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('sfu-server lifecycle', () => {
  it('reports its workers on /healthz', async () => {
    const { httpStatus, body } = await health();
    expect(httpStatus).toBe(200);
    expect(body).toMatchObject({ status: 'ok', service: 'sfu-server', checks: { workers: true }, rooms: 0 });
    expect(body.workers).toHaveLength(1);
  });

  it('tells a caller without the secret only whether it is up: no workers, rooms or peers', async () => {
    await link.ok('room:open', { roomId: 'private-room' });
    const asked: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-secret' }, { authorization: sfu.secret }];
    for (const headers of asked) {
      const { status, body } = await getJson(`${sfu.url}/healthz`, { headers });
      expect(status).toBe(200);
      expect(body).toEqual({ status: 'ok', service: 'sfu-server', checks: { workers: true } });
    }
    expect((await health()).body).toMatchObject({ rooms: 1, workers: [{ rooms: 1 }] });
    await link.ok('room:close', { roomId: 'private-room' });
  });

  it('announces room:lost when a worker dies, and serves new rooms on a replacement', async () => {
    await link.ok('room:open', { roomId: 'doomed' });
    await link.ok('peer:open', { roomId: 'doomed', peerId: 'alice' });
    const before = await link.ok('transport:create', { roomId: 'doomed', peerId: 'alice', direction: 'send' });
    const [worker] = (await health()).body.workers;
    expect(worker).toMatchObject({ rooms: 1 });

    process.kill(worker!.pid, 'SIGKILL');

    const [lost] = await waitUntil(() => (link.lostRooms.length > 0 ? link.lostRooms : undefined), 5_000, 'room:lost');
    expect(lost).toEqual({ roomId: 'doomed', reason: expect.stringContaining(String(worker!.pid)) });
    expect(await link.request('room:stats', { roomId: 'doomed' })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const healthy = await waitForHealth((body) => body.status === 'ok' && body.workers[0]?.pid !== worker!.pid);
    // The replacement listens where its predecessor did (testkit lets the first take free ports: RTC_PORT=0).
    expect(healthy.workers).toEqual([{ pid: expect.any(Number), rooms: 0, rtcPorts: worker!.rtcPorts }]);

    await link.ok('room:open', { roomId: 'reborn' });
    await link.ok('peer:open', { roomId: 'reborn', peerId: 'alice' });
    const transport = await link.ok('transport:create', { roomId: 'reborn', peerId: 'alice', direction: 'recv' });
    expect(portsOf(transport.iceCandidates)).toEqual(portsOf(before.iceCandidates));
    expect((await health()).body.workers).toEqual([{ pid: healthy.workers[0]!.pid, rooms: 1, rtcPorts: worker!.rtcPorts }]);
  });

  it('shuts down gracefully on SIGTERM: exit code 0, workers gone, signaling disconnected', async () => {
    const workerPids = (await health()).body.workers.map((worker) => worker.pid);
    const exited = new Promise<number | null>((resolve) => sfu.process.once('exit', (code) => resolve(code)));
    const disconnected = link.disconnected();
    sfu.process.kill('SIGTERM');

    expect(await exited).toBe(0);
    await disconnected;
    expect(workerPids.filter(isAlive)).toEqual([]);
    expect(sfu.output()).toContain('"msg":"stopped"');
  });
});

function portsOf(candidates: { protocol: string; port: number }[]): string[] {
  return candidates.map(({ protocol, port }) => `${protocol} ${port}`).sort();
}

async function waitForHealth(accept: (body: HealthBody) => boolean): Promise<HealthBody> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { body } = await health();
    if (accept(body)) return body;
    if (Date.now() > deadline) throw new Error(`health never became acceptable: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
