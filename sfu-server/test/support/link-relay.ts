import { createSocket, type Socket } from 'node:dgram';
import { isRtcp, isRtp } from '@ehop/rtp';

/** One end of a link, as `link:open` answers it. */
export interface LinkEnd {
  ip: string;
  port: number;
}

/** What crossed the link from node A to node B: RTP packets (SRTP on the wire), by SSRC. */
export interface RelayedPacket {
  ssrc: number;
  /** Everything after the 12-byte RTP header (encrypted, with SRTP). */
  payload: Buffer;
}

/**
 * A UDP hop in the middle of a link between two SFU nodes, to see what the link carries. A pipe
 * transport only accepts packets from the address it was connected to, so the relay has one socket
 * facing each node: node A connects to `towardA`, node B to `towardB`, and each socket forwards
 * what it gets to the other node from the other socket.
 */
export class LinkRelay {
  readonly fromA: RelayedPacket[] = [];
  private readonly facingA: Socket = createSocket('udp4');
  private readonly facingB: Socket = createSocket('udp4');

  private constructor(
    readonly towardA: LinkEnd,
    readonly towardB: LinkEnd,
  ) {}

  /** `a` and `b`: the nodes' ends of the link (their `link:open` answers). */
  static async between(a: LinkEnd, b: LinkEnd): Promise<LinkRelay> {
    const relay = new LinkRelay({ ip: '127.0.0.1', port: 0 }, { ip: '127.0.0.1', port: 0 });
    relay.towardA.port = await bind(relay.facingA);
    relay.towardB.port = await bind(relay.facingB);
    relay.facingA.on('message', (packet) => {
      if (isRtp(packet) && !isRtcp(packet)) relay.fromA.push({ ssrc: packet.readUInt32BE(8), payload: packet.subarray(12) });
      relay.facingB.send(packet, b.port, b.ip);
    });
    relay.facingB.on('message', (packet) => relay.facingA.send(packet, a.port, a.ip));
    return relay;
  }

  /** RTP packets A sent of each SSRC. */
  countsFromA(): Map<number, number> {
    const counts = new Map<number, number>();
    for (const { ssrc } of this.fromA) counts.set(ssrc, (counts.get(ssrc) ?? 0) + 1);
    return counts;
  }

  close(): void {
    this.facingA.close();
    this.facingB.close();
  }
}

async function bind(socket: Socket): Promise<number> {
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket.address().port;
}
