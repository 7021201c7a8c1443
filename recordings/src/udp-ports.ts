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
 * True once some process holds UDP `port` (ffmpeg has opened its input). Read from /proc rather
 * than by binding, which could steal the port from ffmpeg at the wrong moment.
 */
export async function isBound(port: number): Promise<boolean> {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  const table = await readFile('/proc/net/udp', 'utf8').catch(() => '');
  return table.split('\n').some((line) => line.split(/\s+/)[2]?.concat(' ').endsWith(hexPort));
}
