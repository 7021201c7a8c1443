import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/** Asks the kernel for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether `port` on loopback can be bound now, for TCP and for UDP. */
async function bindable(port: number): Promise<boolean> {
  const tcp = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!tcp) return false;
  return new Promise<boolean>((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/**
 * `count` consecutive ports free for both TCP and UDP on loopback, e.g. for an SFU's fixed
 * per-worker WebRTC ports (RTC_PORT). Taken from 22000..29999: below the kernel's ephemeral
 * ports and apart from the ranges startSfuServer hands out (30000..39999).
 */
export async function freePortBlock(count: number, attempts = 50): Promise<number> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const first = 22_000 + Math.floor(Math.random() * (8_000 - count));
    let free = true;
    for (let port = first; port < first + count && free; port++) free = await bindable(port);
    if (free) return first;
  }
  throw new Error(`no ${count} consecutive free TCP+UDP ports found in ${attempts} attempts`);
}
