import { spawn, type ChildProcess } from 'node:child_process';

/** How the test kit starts a service's process (the SFU, signaling, Redis). */
export interface ServiceProcessOptions {
  /**
   * Start it in a session of its own (`setsid`), as a service manager would: with the kernel's
   * autogroup scheduling a session shares the CPU fairly with other sessions, so a server started
   * by a benchmark does not have to share one session's slice with the benchmark's own load.
   */
  ownSession?: boolean;
  /** Run it inside this network namespace (`ip netns exec`), as on another host (see host-network.ts). */
  netns?: string;
}

/** Stopping a service to restart it: SIGTERM lets it shut down gracefully, SIGKILL is a crash. */
export type StopSignal = 'SIGTERM' | 'SIGKILL';

/**
 * Stops `current` (gracefully or as a crash), waits `downMs`, and starts the service again with
 * `spawn` (the same port, data and settings); resolves to the new process.
 */
export async function respawn(
  current: ChildProcess,
  signal: StopSignal,
  downMs: number,
  spawn: () => Promise<ChildProcess>,
): Promise<ChildProcess> {
  await (signal === 'SIGKILL' ? killProcess(current) : stopProcess(current));
  await new Promise((resolve) => setTimeout(resolve, downMs));
  return spawn();
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
export function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** SIGKILL, as a crash: resolves once the process is gone. */
export function killProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** A service's stdout and stderr so far (JSON log lines), kept across restarts. */
export interface ServiceOutput {
  text: string;
}

/**
 * Starts `node <mainJs>` with `env`, appending what it prints to `output`, and resolves once
 * `ready` does; if `ready` fails the process is stopped again.
 */
export async function spawnNodeService(
  mainJs: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; ownSession: boolean; output: ServiceOutput; netns?: string | undefined },
  ready: (child: ChildProcess) => Promise<void>,
): Promise<ChildProcess> {
  const { cwd, env, ownSession, output, netns } = options;
  // `ip netns exec` execs the command in place: the child's pid is the service's own.
  const [command, args] = netns ? ['ip', ['netns', 'exec', netns, process.execPath, mainJs]] : [process.execPath, [mainJs]];
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: ownSession });
  child.stdout.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
  try {
    await ready(child);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return child;
}
