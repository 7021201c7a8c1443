import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePortBlock, startSfuServer, type SfuServerHandle } from '@ehop/testkit';
import { SignalingLink, waitUntil } from './support/signaling-link.js';

interface WorkerHealth {
  pid: number;
  rooms: number;
  rtcPorts: { udp: number; tcp: number };
}

interface Candidate {
  ip: string;
  port: number;
  protocol: 'udp' | 'tcp';
}

const servers: SfuServerHandle[] = [];
const links: SignalingLink[] = [];

afterAll(async () => {
  for (const link of links.splice(0)) link.close();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function start(env: Record<string, string>): Promise<{ sfu: SfuServerHandle; link: SignalingLink }> {
  const sfu = await startSfuServer({ env });
  servers.push(sfu);
  const link = await SignalingLink.connect(sfu.url, sfu.secret);
  links.push(link);
  return { sfu, link };
}

async function workersOf(sfu: SfuServerHandle): Promise<WorkerHealth[]> {
  // The secret is for servers that show their workers only to a caller holding it.
  const response = await fetch(`${sfu.url}/healthz`, { headers: { authorization: `Bearer ${sfu.secret}` } });
  const body = (await response.json()) as { status: string; workers: WorkerHealth[] };
  return body.status === 'ok' ? body.workers : [];
}

/** Opens `roomId` with `peers` peers, each with a send and a receive transport; returns every ICE candidate. */
async function transportsOf(link: SignalingLink, roomId: string, peers: number): Promise<Candidate[][]> {
  await link.ok('room:open', { roomId });
  const transports: Candidate[][] = [];
  for (let i = 0; i < peers; i++) {
    const peerId = `peer-${i}`;
    await link.ok('peer:open', { roomId, peerId });
    for (const direction of ['send', 'recv'] as const) {
      const { iceCandidates } = await link.ok('transport:create', { roomId, peerId, direction });
      transports.push(iceCandidates as Candidate[]);
    }
  }
  return transports;
}

/** The one UDP and one TCP port all of these transports offer (fails if they differ). */
function sharedPorts(transports: Candidate[][]): { udp: number; tcp: number } {
  const ports = (protocol: 'udp' | 'tcp') => [...new Set(transports.flat().filter((c) => c.protocol === protocol).map((c) => c.port))];
  for (const candidates of transports) expect(candidates.map((c) => c.protocol).sort()).toEqual(['tcp', 'udp']);
  expect(ports('udp')).toHaveLength(1);
  expect(ports('tcp')).toHaveLength(1);
  return { udp: ports('udp')[0]!, tcp: ports('tcp')[0]! };
}

function udpPortTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(true);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(false)));
  });
}

describe('one WebRtcServer per worker (RTC_PORT)', () => {
  let rtcPort: number;
  let sfu: SfuServerHandle;
  let link: SignalingLink;

  beforeAll(async () => {
    rtcPort = await freePortBlock(2);
    ({ sfu, link } = await start({ SFU_WORKERS: '2', RTC_PORT: String(rtcPort) }));
  });

  it('has worker i listen on RTC_PORT + i, UDP and TCP', async () => {
    const workers = await workersOf(sfu);
    expect(workers.map((worker) => worker.rtcPorts).sort((a, b) => a.udp - b.udp)).toEqual([
      { udp: rtcPort, tcp: rtcPort },
      { udp: rtcPort + 1, tcp: rtcPort + 1 },
    ]);
    // The worker processes really hold them.
    expect(await udpPortTaken(rtcPort)).toBe(true);
    expect(await udpPortTaken(rtcPort + 1)).toBe(true);
  });

  it('offers every browser transport of a worker on that worker\'s one UDP and one TCP port', async () => {
    // Two rooms go to the two workers (the least loaded takes the next room).
    const first = sharedPorts(await transportsOf(link, 'hall-a', 3));
    const second = sharedPorts(await transportsOf(link, 'hall-b', 3));
    expect([first, second].sort((a, b) => a.udp - b.udp)).toEqual([
      { udp: rtcPort, tcp: rtcPort },
      { udp: rtcPort + 1, tcp: rtcPort + 1 },
    ]);
    const workers = await workersOf(sfu);
    expect(workers.map((worker) => worker.rooms)).toEqual([1, 1]);
  });

  it('gives a worker that replaces a crashed one the same port', async () => {
    const ports = sharedPorts(await transportsOf(link, 'hall-c', 1));
    const victim = (await workersOf(sfu)).find((worker) => worker.rtcPorts.udp === ports.udp)!;
    process.kill(victim.pid, 'SIGKILL');
    await waitUntil(() => link.lostRooms.find((lost) => lost.roomId === 'hall-c'), 5_000, 'room:lost for hall-c');
    const replaced = await waitUntil(
      async () => (await workersOf(sfu)).find((worker) => worker.rtcPorts.udp === ports.udp && worker.pid !== victim.pid),
      10_000,
      'a replacement worker on the same port',
    );
    expect(replaced.rtcPorts).toEqual(ports);

    // Its rooms, reopened there, offer the same port again. Opening two puts one on each worker.
    const reopened = [sharedPorts(await transportsOf(link, 'hall-c2', 1)), sharedPorts(await transportsOf(link, 'hall-d', 1))];
    expect(reopened).toContainEqual(ports);
  });

  it('refuses to start when a worker\'s port is taken, and says which', async () => {
    // A server that starts anyway is stopped with the others.
    const refusal = await startSfuServer({ env: { SFU_WORKERS: '1', RTC_PORT: String(rtcPort) } }).then(
      (server) => void servers.push(server),
      (error: Error) => error.message,
    );
    expect(refusal).toMatch(new RegExp(`cannot listen for WebRTC on 127\\.0\\.0\\.1, UDP ${rtcPort} / TCP ${rtcPort}`));
  });
});

describe('announced address (RTC_ANNOUNCED_IP, behind NAT)', () => {
  it('tells browsers the announced address on both protocols, on the worker\'s port', async () => {
    const { sfu, link } = await start({ SFU_WORKERS: '1', RTC_ANNOUNCED_IP: '203.0.113.7' });
    const [worker] = await workersOf(sfu);
    const [candidates] = await transportsOf(link, 'nat', 1);
    expect(candidates!.map(({ ip, port, protocol }) => ({ ip, port, protocol })).sort((a, b) => a.protocol.localeCompare(b.protocol))).toEqual([
      { ip: '203.0.113.7', port: worker!.rtcPorts.tcp, protocol: 'tcp' },
      { ip: '203.0.113.7', port: worker!.rtcPorts.udp, protocol: 'udp' },
    ]);
  });
});
