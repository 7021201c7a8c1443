import { readFile } from 'node:fs/promises';
import { createSocket } from 'node:dgram';

/** Binds `port` on `host` to test it; resolves the error code or null when it was free. */
function tryBind(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.close();
      resolve(error.code ?? 'error');
    });
    socket.bind(port, host, () => socket.close(() => resolve(null)));
  });
}

/** An even port with the odd one after it free (RTP and its RTCP), as ffmpeg binds them. */
export async function freePortPair(host: string): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + 2 * Math.floor(Math.random() * 10_000);
    if ((await tryBind(host, port)) === null && (await tryBind(host, port + 1)) === null) return port;
  }
  throw new Error('no free UDP port pair for the recorder');
}

/**
 * True once some process holds every one of these UDP ports (ffmpeg has opened its inputs). Read
 * from /proc rather than by binding, which could steal a port from ffmpeg at the wrong moment.
 */
export async function areBound(ports: readonly number[]): Promise<boolean> {
  const table = await readFile('/proc/net/udp', 'utf8').catch(() => '');
  const held = new Set<number>();
  for (const line of table.split('\n')) {
    const local = line.trim().split(/\s+/)[1];
    const port = local ? Number.parseInt(local.split(':')[1] ?? '', 16) : Number.NaN;
    if (Number.isFinite(port)) held.add(port);
  }
  return ports.every((port) => held.has(port));
}
