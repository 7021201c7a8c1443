import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopProcess } from '@ehop/testkit';
import { TurnClient } from './turn-client.js';

const coturnConfig = fileURLToPath(new URL('../../../deploy/coturn/turnserver.conf', import.meta.url));

export interface TurnServerHandle {
  port: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Debian's coturn with the project's own configuration (deploy/coturn/turnserver.conf, as
 * docker-compose.yml runs it), on loopback, with what compose passes on the command line: the
 * shared secret and the SFU's announced address as an allowed peer.
 */
export async function startTurnServer({ port, secret, allowedPeerIp }: { port: number; secret: string; allowedPeerIp: string }): Promise<TurnServerHandle> {
  const relayBase = 50_000 + (process.pid % 90) * 100;
  const child: ChildProcess = spawn(
    'turnserver',
    [
      '-c', coturnConfig,
      '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`,
      `--min-port=${relayBase}`, `--max-port=${relayBase + 99}`,
      `--static-auth-secret=${secret}`, `--allowed-peer-ip=${allowedPeerIp}`,
      '--no-tls', '--no-dtls', '--log-file=stdout', '--simple-log', '--pidfile=',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitUntilAnswering(port, child, () => output);
  return { port, output: () => output, stop: () => stopProcess(child) };
}

/** Any answer to an Allocate (a 401 challenge) means coturn listens. */
async function waitUntilAnswering(port: number, child: ChildProcess, output: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`turnserver exited with ${child.exitCode}:\n${output()}`);
    const probe = new TurnClient({ host: '127.0.0.1', port }, { username: 'probe', password: 'probe' });
    const answered = await probe.allocate().then(
      () => true,
      () => false,
    );
    probe.close();
    if (answered) return;
  }
  throw new Error(`turnserver did not answer on port ${port}:\n${output()}`);
}
