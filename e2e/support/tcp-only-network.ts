import { execFile, execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromiumExecutable } from '@ehop/testkit';

const run = promisify(execFile);

/**
 * A network that refuses UDP, like a site whose firewall lets only TCP out: a network namespace
 * joined to this host by a veth pair, whose nftables rule rejects every UDP packet leaving it.
 * A browser started in it (`chromiumLauncher`) reaches this host only at `hostIp`, and only
 * over TCP. Needs root (`ip netns`, `nft`; scripts/install-system-deps.sh installs nftables).
 */
export class TcpOnlyNetwork {
  private constructor(
    /** This host's end of the link: where the servers must listen for the namespace to reach them. */
    readonly hostIp: string,
    private readonly namespace: string,
    private readonly launcherDir: string,
  ) {}

  static async create(): Promise<TcpOnlyNetwork> {
    if (process.getuid?.() !== 0) throw new Error('a TCP-only network needs root (ip netns, nft): run the e2e tests as root');
    const id = randomBytes(3).toString('hex');
    const namespace = `ehop-tcp-${id}`;
    const [hostIf, nsIf] = [`ehtcp${id}h`, `ehtcp${id}n`];
    const [hostIp, nsIp] = freeSubnet();
    await run('ip', ['netns', 'add', namespace]);
    const launcherDir = mkdtempSync(join(tmpdir(), 'ehop-tcp-only-'));
    const network = new TcpOnlyNetwork(hostIp, namespace, launcherDir);
    try {
      await run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf, 'netns', namespace]);
      await run('ip', ['addr', 'add', `${hostIp}/30`, 'dev', hostIf]);
      await run('ip', ['link', 'set', hostIf, 'up']);
      await network.inside('ip', 'addr', 'add', `${nsIp}/30`, 'dev', nsIf);
      await network.inside('ip', 'link', 'set', nsIf, 'up');
      await network.inside('ip', 'link', 'set', 'lo', 'up');
      network.refuseUdp();
      writeFileSync(network.chromiumLauncher, `#!/bin/sh\nexec ip netns exec ${namespace} ${chromiumExecutable} "$@"\n`);
      chmodSync(network.chromiumLauncher, 0o755);
    } catch (error) {
      await network.remove();
      throw error;
    }
    return network;
  }

  /** An executable to give Playwright as `executablePath`: Chromium, inside the namespace. */
  get chromiumLauncher(): string {
    return join(this.launcherDir, 'chromium');
  }

  /** UDP packets the namespace tried to send and was refused (the rule's counter). */
  async refusedUdpPackets(): Promise<number> {
    const { stdout } = await this.inside('nft', 'list', 'chain', 'inet', 'ehop_tcp_only', 'output');
    const match = /counter packets (\d+)/.exec(stdout);
    if (!match) throw new Error(`no counter in the namespace's UDP rule:\n${stdout}`);
    return Number(match[1]);
  }

  /** Deletes the namespace (and with it both ends of the link) and the launcher. */
  async remove(): Promise<void> {
    await run('ip', ['netns', 'del', this.namespace]).catch(() => undefined);
    rmSync(this.launcherDir, { recursive: true, force: true });
  }

  private inside(command: string, ...args: string[]) {
    return run('ip', ['netns', 'exec', this.namespace, command, ...args]);
  }

  /** `reject`: the sender learns at once that UDP is refused (EPERM here; ICMP on a real network), as behind a rejecting firewall. */
  private refuseUdp(): void {
    const rules = `table inet ehop_tcp_only {
  chain output {
    type filter hook output priority 0; policy accept;
    meta l4proto udp counter reject
  }
}
`;
    execFileSync('ip', ['netns', 'exec', this.namespace, 'nft', '-f', '-'], { input: rules });
  }
}

/** A /30 in 10.213.0.0/16 that no interface of this host uses yet: [host end, namespace end]. */
function freeSubnet(): [string, string] {
  const used = new Set(
    Object.values(networkInterfaces())
      .flat()
      .map((address) => address?.address),
  );
  for (;;) {
    const [third, fourth] = [randomInt(0, 256), randomInt(0, 64) * 4];
    const host = `10.213.${third}.${fourth + 1}`;
    const inside = `10.213.${third}.${fourth + 2}`;
    if (!used.has(host) && !used.has(inside)) return [host, inside];
  }
}
