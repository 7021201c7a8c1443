import { createSocket, type Socket } from 'node:dgram';
import { isRtp } from '@ehop/rtp';

export interface RelayLeg {
  /** Where the SFU sends (RTP on `port`, RTCP on `port + 1`, which the relay only drains). */
  port: number;
  /** Where ffmpeg listens. */
  targetPort: number;
  /** The packet to forward, rewritten, or null to drop it. */
  accept: (packet: Uint8Array, nowMs: number) => Uint8Array | null;
}

/**
 * The recorder's UDP relay: receives the SFU's plain RTP streams on loopback, passes each packet
 * through its leg's follower (which rewrites it into one continuous stream) and forwards it to
 * ffmpeg. It runs inside the recorder process; a packet costs one receive and one send.
 */
export class RtpRelay {
  private readonly sockets: Socket[] = [];
  packetsForwarded = 0;

  constructor(private readonly host: string) {}

  /** Starts relaying a leg; returns how to send a packet of our own (silence) down it. */
  async add(leg: RelayLeg): Promise<(packet: Uint8Array) => void> {
    const rtp = await this.bind(leg.port);
    const rtcp = await this.bind(leg.port + 1);
    rtcp.on('message', () => {}); // the SFU's sender reports: ffmpeg syncs the tracks from their first packets
    rtp.on('message', (message) => {
      if (!isRtp(message)) return;
      const packet = leg.accept(message, performance.now());
      if (!packet) return;
      this.packetsForwarded++;
      rtp.send(packet, leg.targetPort, this.host);
    });
    return (packet) => rtp.send(packet, leg.targetPort, this.host);
  }

  close(): void {
    for (const socket of this.sockets.splice(0)) socket.close();
  }

  private bind(port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = createSocket('udp4');
      socket.once('error', reject);
      socket.bind(port, this.host, () => {
        socket.off('error', reject);
        // Sending to ffmpeg before it has bound its ports fails with ECONNREFUSED-like errors: harmless.
        socket.on('error', () => {});
        this.sockets.push(socket);
        resolve(socket);
      });
    });
  }
}
