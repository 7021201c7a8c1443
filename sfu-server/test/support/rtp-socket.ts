import { createSocket, type Socket } from 'node:dgram';
import { isRtcp, isRtp, sequenceOf, startsVp8KeyFrame, timestampOf } from '@ehop/rtp';

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

/** A VP8 frame in one packet (RFC 7741 descriptor, start of partition 0), a key frame every `keyFrameEvery`. */
export function vp8Frame(frame: number, keyFrameEvery: number, fillerBytes = 200): Buffer {
  // Extended descriptor (X, S) with a 7-bit picture id: mediasoup ignores VP8 without the X bit.
  const descriptor = [0x90, 0x80, frame & 0x7f];
  // Frame tag (P bit clear on a key frame), then a key frame's start code and 640×360.
  const header = frame % keyFrameEvery === 0 ? [0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01] : [0x11, 0x02, 0x00];
  return Buffer.concat([Buffer.from([...descriptor, ...header]), Buffer.alloc(fillerBytes, 0xab)]);
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

  /** A camera: one VP8 frame per packet at ~30 fps, a key frame every `keyFrameEvery` frames; the packet size tells cameras apart. */
  startCamera(port: number, payloadType: number, ssrc: number, keyFrameEvery: number, fillerBytes: number): void {
    this.timer = setInterval(() => {
      this.sequence++;
      const header = rtpPacket(payloadType, this.sequence, this.sequence * 3_000, ssrc, 0);
      header[1] = header[1]! | 0x80; // marker: the frame ends here
      this.socket.send(Buffer.concat([header, vp8Frame(this.sequence, keyFrameEvery, fillerBytes)]), port, '127.0.0.1');
    }, 33);
  }

  close(): void {
    clearInterval(this.timer);
    this.socket.close();
  }
}

/** mediasoup's bandwidth probes (padding, payload type 127) to a receiver of video: not media. */
const MEDIASOUP_PROBATION_SSRC = 1234;

/** A UDP socket the SFU sends a synthetic receiver's media to; counts RTP packets by SSRC. */
export class RtpReceiver {
  private readonly socket: Socket = createSocket('udp4');
  private readonly counts = new Map<number, number>();
  private readonly logs = new Map<number, ReceivedPacket[]>();

  async bind(): Promise<number> {
    this.socket.on('message', (message) => {
      // RTCP shares the port (rtcp-mux): sender reports, feedback and the like are not media.
      if (!isRtp(message) || isRtcp(message)) return;
      const ssrc = message.readUInt32BE(8);
      if (ssrc === MEDIASOUP_PROBATION_SSRC) return;
      this.counts.set(ssrc, (this.counts.get(ssrc) ?? 0) + 1);
      const log = this.logs.get(ssrc) ?? [];
      this.logs.set(ssrc, log);
      log.push({ sequence: sequenceOf(message), timestamp: timestampOf(message), keyFrame: startsVp8KeyFrame(message), bytes: message.length, at: Date.now() });
    });
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    return this.socket.address().port;
  }

  /** Every packet of one SSRC, in arrival order. */
  received(ssrc: number): readonly ReceivedPacket[] {
    return this.logs.get(ssrc) ?? [];
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

export interface ReceivedPacket {
  sequence: number;
  timestamp: number;
  /** Starts a VP8 key frame. */
  keyFrame: boolean;
  bytes: number;
  /** Arrival, wall clock (ms). */
  at: number;
}
