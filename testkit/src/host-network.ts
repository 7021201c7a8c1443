import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One simulated host: a network namespace with its own address on the test's bridge. */
export interface SimulatedHost {
  /** For `ip netns exec` (ServiceProcessOptions.netns). */
  netns: string;
  ip: string;
}

/**
 * Several hosts on one machine, as separate servers would be: each a Linux network namespace with
 * one address on a bridge, which the test process (in the root namespace) reaches at `gatewayIp`.
 * Loopback hides address bugs (a server telling another to send to 127.0.0.1); this does not.
 */
export interface HostNetwork {
  gatewayIp: string;
  hosts: Record<string, SimulatedHost>;
  /** Deletes the namespaces (their processes must be stopped first) and the bridge. */
  remove(): Promise<void>;
}

/**
 * Whether this machine lets a test make namespaces (root with CAP_NET_ADMIN, iproute2): tried
 * for real, since a container may run as root without the capability.
 */
export async function canSimulateHosts(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  const probe = `ehop-probe-${randomInt(10_000, 99_999)}`;
  try {
    await ip('netns', 'add', probe);
    await ip('netns', 'delete', probe);
    return true;
  } catch {
    return false;
  }
}

/** Creates a bridge in a free 10.123.X.0/24 and a namespace per name, each with the next address. */
export async function createHostNetwork(names: readonly string[]): Promise<HostNetwork> {
  const tag = randomInt(10_000, 99_999).toString();
  const subnet = await freeSubnet();
  const bridge = `ehbr${tag}`;
  const gatewayIp = `${subnet}.1`;
  const hosts: Record<string, SimulatedHost> = {};
  const network: HostNetwork = { gatewayIp, hosts, remove: () => removeNetwork(bridge, Object.values(hosts)) };
  try {
    await ip('link', 'add', bridge, 'type', 'bridge');
    await ip('addr', 'add', `${gatewayIp}/24`, 'dev', bridge);
    await ip('link', 'set', bridge, 'up');
    for (const [index, name] of names.entries()) {
      const host: SimulatedHost = { netns: `ehop-${tag}-${index}`, ip: `${subnet}.${index + 10}` };
      const [outside, inside] = [`eh${tag}h${index}`, `eh${tag}n${index}`];
      await ip('netns', 'add', host.netns);
      hosts[name] = host;
      await ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
      await ip('link', 'set', outside, 'master', bridge, 'up');
      await ip('link', 'set', inside, 'netns', host.netns);
      const inNamespace = (...args: string[]) => ip('netns', 'exec', host.netns, 'ip', ...args);
      await inNamespace('addr', 'add', `${host.ip}/24`, 'dev', inside);
      await inNamespace('link', 'set', inside, 'up');
      await inNamespace('link', 'set', 'lo', 'up');
      await inNamespace('route', 'add', 'default', 'via', gatewayIp);
    }
    return network;
  } catch (error) {
    await network.remove();
    throw error;
  }
}

async function removeNetwork(bridge: string, hosts: SimulatedHost[]): Promise<void> {
  // Deleting a namespace deletes its end of the veth pair, and with it the other end.
  for (const host of hosts) await ip('netns', 'delete', host.netns).catch(() => undefined);
  await ip('link', 'delete', bridge).catch(() => undefined);
}

/** A 10.123.X prefix no interface of this machine uses yet. */
async function freeSubnet(): Promise<string> {
  const { stdout } = await run('ip', ['-4', '-o', 'addr', 'show']);
  for (;;) {
    const candidate = `10.123.${randomInt(1, 255)}`;
    if (!stdout.includes(`${candidate}.`)) return candidate;
  }
}

async function ip(...args: string[]): Promise<void> {
  await run('ip', args);
}
