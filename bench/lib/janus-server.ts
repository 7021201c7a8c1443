import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's janus 1.1 (`apt-get install -y janus`): plugins and transports as the package installs them. */
const JANUS_BIN = '/usr/bin/janus';
const LIB = '/usr/lib/x86_64-linux-gnu/janus';

export interface JanusServer {
  /** Base URL of the HTTP (REST + long-poll) API, e.g. http://127.0.0.1:18088/janus */
  url: string;
  pid: number;
  process: ChildProcess;
  logFile: string;
  /** The log so far. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

export interface StartJanusOptions {
  /** UDP range for ICE/RTP (one port per PeerConnection: Janus bundles and rtcp-muxes). */
  rtpPortRange?: string;
  /** Janus's own debug level (0..7); 4 (info) by default in the package, 3 (warnings) here. */
  debugLevel?: number;
  /** The address to gather ICE candidates on (an address or interface prefix for ice_enforce_list). */
  ip?: string;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Janus started from a throw-away configuration folder: only the HTTP transport (loopback, a free
 * port), only the VideoRoom plugin (no static rooms: the bench creates its room), no event
 * handlers or loggers, ICE on one loopback address, its log in a file. `stop()` ends it
 * (SIGINT, then SIGKILL) and removes the folder.
 */
export async function startJanus(options: StartJanusOptions = {}): Promise<JanusServer> {
  if (!existsSync(JANUS_BIN)) throw new Error(`${JANUS_BIN} is missing: apt-get install -y janus`);
  const dir = await mkdtemp(join(tmpdir(), 'ehop-janus-'));
  const port = await freePort();
  const ip = options.ip ?? '127.0.0.1';
  const logFile = join(dir, 'janus.log');
  const plugins = ['audiobridge', 'duktape', 'echotest', 'lua', 'nosip', 'recordplay', 'sip', 'streaming', 'textroom', 'videocall', 'voicemail'];
  const transports = ['mqtt', 'nanomsg', 'pfunix', 'rabbitmq', 'websockets'];
  const events = ['gelfevh', 'mqttevh', 'nanomsgevh', 'rabbitmqevh', 'sampleevh', 'wsevh'];
  await writeFile(
    join(dir, 'janus.jcfg'),
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${LIB}/plugins"
  transports_folder = "${LIB}/transports"
  events_folder = "${LIB}/events"
  loggers_folder = "${LIB}/loggers"
  debug_level = ${options.debugLevel ?? 3}
  debug_timestamps = true
  log_to_file = "${logFile}"
  session_timeout = 120
  server_name = "ehop-bench-janus"
}
certificates: {
}
media: {
  ipv6 = false
  rtp_port_range = "${options.rtpPortRange ?? '20000-20999'}"
}
nat: {
  nice_debug = false
  full_trickle = false
  ice_lite = false
  ice_tcp = false
  ice_enforce_list = "${ip}"
}
plugins: {
  disable = "${plugins.map((name) => `libjanus_${name}.so`).join(',')}"
}
transports: {
  disable = "${transports.map((name) => `libjanus_${name}.so`).join(',')}"
}
loggers: {
  disable = "libjanus_jsonlog.so"
}
events: {
  broadcast = false
  disable = "${events.map((name) => `libjanus_${name}.so`).join(',')}"
}
`,
  );
  await writeFile(
    join(dir, 'janus.transport.http.jcfg'),
    `general: {
  json = "plain"
  base_path = "/janus"
  http = true
  port = ${port}
  ip = "127.0.0.1"
  https = false
}
admin: {
  admin_http = false
  admin_https = false
}
cors: {
}
`,
  );
  // No static rooms: the bench creates its own.
  await writeFile(join(dir, 'janus.plugin.videoroom.jcfg'), 'general: {\n}\n');

  const child = spawn(JANUS_BIN, ['--configs-folder', dir, '--config', join(dir, 'janus.jcfg'), '--disable-colors'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const url = `http://127.0.0.1:${port}/janus`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = performance.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      await stop();
      throw new Error(`janus exited (${child.exitCode}): ${stderr}\n${log.slice(-3_000)}`);
    }
    try {
      const response = await fetch(`${url}/info`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      await stop();
      throw new Error('janus did not answer on its HTTP API within 20 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, pid: child.pid!, process: child, logFile, log: () => readFile(logFile, 'utf8').catch(() => ''), stop };
}
