import { createSocket, type Socket } from 'node:dgram';

/** A minimal RTP packet: 12-byte header, then `payloadBytes` of filler (the SFU does not decode it). */
export function rtpPacket(payloadType: number, sequence: number, timestamp: number, ssrc: number, payloadBytes = 60): Buffer {
  const packet = Buffer.alloc(12 + payloadBytes, 0xab);
  packet[0] = 0x80;
  packet[1] = payloadType & 0x7f;
  packet.writeUInt16BE(sequence & 0xffff, 2);
  packet.writeUInt32BE(timestamp >>> 0, 4);
  packet.writeUInt32BE(ssrc >>> 0, 8);
  return packet;
}

/** Sends an endless stream of RTP packets to the SFU, like a microphone every 20 ms. */
export class RtpSender {
  private readonly socket: Socket = createSocket('udp4');
  private timer: NodeJS.Timeout | undefined;
  private sequence = 0;

  start(port: number, payloadType: number, ssrc: number, intervalMs = 20): void {
    this.timer = setInterval(() => {
      this.sequence++;
      this.socket.send(rtpPacket(payloadType, this.sequence, this.sequence * 960, ssrc), port, '127.0.0.1');
    }, intervalMs);
  }

  close(): void {
    clearInterval(this.timer);
    this.socket.close();
  }
}

/** A UDP socket the SFU sends a synthetic receiver's media to; counts RTP packets by SSRC. */
export class RtpReceiver {
  private readonly socket: Socket = createSocket('udp4');
  private readonly counts = new Map<number, number>();

  async bind(): Promise<number> {
    this.socket.on('message', (message) => {
      if (message.length < 12 || message[0]! >> 6 !== 2) return;
      const payloadType = message[1]! & 0x7f;
      // RTCP shares the port (rtcp-mux): payload types 72..76 with the marker bit are RTCP.
      if (payloadType >= 72 && payloadType <= 76) return;
      const ssrc = message.readUInt32BE(8);
      this.counts.set(ssrc, (this.counts.get(ssrc) ?? 0) + 1);
    });
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    return this.socket.address().port;
  }

  packetsFrom(ssrc: number): number {
    return this.counts.get(ssrc) ?? 0;
  }

  total(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  close(): void {
    this.socket.close();
  }
}
