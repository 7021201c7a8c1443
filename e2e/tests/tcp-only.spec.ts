import { chromium, type Browser } from '@playwright/test';
import { chromiumArgs } from '@ehop/testkit';
import { icePaths, trackPeerConnections } from '../support/ice-paths.js';
import { startMeetingStack, type MeetingStack } from '../support/meeting-stack.js';
import {
  expect,
  expectReceivingMediaFrom,
  joinMeeting,
  openDiscussion,
  remotePeerId,
  signIn,
  test,
  unmute,
} from '../support/meeting-page.js';
import { TcpOnlyNetwork } from '../support/tcp-only-network.js';

/**
 * A commune whose firewall lets no UDP out: its browser runs in a network namespace that rejects
 * every UDP packet, and reaches the servers only over TCP. This test has its own servers, listening
 * on this host's end of that namespace's link (the shared ones listen on loopback only).
 */
let network: TcpOnlyNetwork;
let stack: MeetingStack;
let behindFirewall: Browser;

test.beforeAll(async () => {
  network = await TcpOnlyNetwork.create();
  stack = await startMeetingStack({
    sfuEnv: { RTC_LISTEN_IP: network.hostIp },
    // Reachable from the namespace too (the browsers there use hostIp).
    signalingEnv: { HOST: '0.0.0.0' },
  });
  // Plain http on an address other than localhost is no secure context: no camera without this.
  const origin = `http://${network.hostIp}:${stack.port}`;
  behindFirewall = await chromium.launch({
    executablePath: network.chromiumLauncher,
    args: [...chromiumArgs, `--unsafely-treat-insecure-origin-as-secure=${origin}`],
  });
});

test.afterAll(async () => {
  await behindFirewall?.close();
  await stack?.stop();
  await network?.remove();
});

async function sfuTcpPort(): Promise<number> {
  const sfu = stack.sfu!;
  const response = await fetch(`${sfu.url}/healthz`, { headers: { authorization: `Bearer ${sfu.secret}` } });
  const { workers } = (await response.json()) as { workers: { rtcPorts: { udp: number; tcp: number } }[] };
  expect(workers).toHaveLength(1);
  return workers[0]!.rtcPorts.tcp;
}

test('a participant whose network refuses UDP still sees and hears the others, over TCP', async ({ browser }) => {
  // The others are on an open network (this host, UDP allowed).
  const chair = await signIn(browser, 'chutri', { baseURL: stack.url, locale: 'vi-VN' });
  const colleague = await signIn(browser, 'daibieu2', { baseURL: stack.url, locale: 'vi-VN' });
  const commune = await signIn(behindFirewall, 'daibieu1', { baseURL: `http://${network.hostIp}:${stack.port}`, locale: 'vi-VN' });
  try {
    await trackPeerConnections(commune);
    await joinMeeting(chair);
    await joinMeeting(colleague);
    await joinMeeting(commune);
    await openDiscussion(chair);
    await unmute(chair);
    await unmute(colleague);
    await unmute(commune);

    // The commune sees and hears both, and they see and hear the commune.
    await expectReceivingMediaFrom(commune, await remotePeerId(commune, 'u-chutri'));
    await expectReceivingMediaFrom(commune, await remotePeerId(commune, 'u-daibieu2'));
    await expectReceivingMediaFrom(chair, await remotePeerId(chair, 'u-daibieu1'));

    // Both of its transports (sending and receiving) run over TCP, to the worker's one TCP port.
    const tcpPort = await sfuTcpPort();
    const paths = await icePaths(commune);
    expect(paths).toHaveLength(2);
    for (const path of paths) {
      expect(path).toMatchObject({
        connectionState: 'connected',
        local: { protocol: 'tcp' },
        remote: { protocol: 'tcp', address: network.hostIp, port: tcpPort },
      });
      expect(path.bytesReceived).toBeGreaterThan(0);
      expect(path.bytesSent).toBeGreaterThan(0);
    }
    // Its browser did try UDP, and the network refused it.
    expect(await network.refusedUdpPackets()).toBeGreaterThan(0);
  } finally {
    await Promise.all([chair, colleague, commune].map((page) => page.context().close()));
  }
});
