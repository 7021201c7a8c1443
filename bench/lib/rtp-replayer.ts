import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { sleep } from './stats.js';

interface ClipPacket {
  /** When it is due, ms from the start of the loop (from its RTP timestamp). */
  dueMs: number;
  /** The packet with its header as ffmpeg wrote it; sequence, timestamp and SSRC are rewritten per sender. */
  bytes: Buffer;
  sequenceOffset: number;
  timestampOffset: number;
}

interface ClipStream {
  packets: ClipPacket[];
  clockRate: number;
}

export interface CapturedClip {
  video: ClipStream;
  audio: ClipStream;
  loopMs: number;
}

/**
 * Packetizes the pre-encoded clip once with ffmpeg (`-c copy -f rtp`, exactly what each sender
 * would do) and keeps the packets, so one process can replay them for every endpoint.
 */
export async function captureClip(clip: string): Promise<CapturedClip> {
  const videoSocket = createSocket({ type: 'udp4', recvBufferSize: 16 << 20 });
  const audioSocket = createSocket({ type: 'udp4', recvBufferSize: 16 << 20 });
  const video: Buffer[] = [];
  const audio: Buffer[] = [];
  videoSocket.on('message', (packet) => video.push(Buffer.from(packet)));
  audioSocket.on('message', (packet) => audio.push(Buffer.from(packet)));
  await Promise.all([videoSocket, audioSocket].map((socket) => new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))));
  const output = (map: string, payloadType: number, socket: Socket) => [
    '-map', map, '-c', 'copy', '-f', 'rtp', '-ssrc', '1', '-payload_type', String(payloadType), '-rtpflags', 'skip_rtcp',
    `rtp://127.0.0.1:${socket.address().port}?pkt_size=1200`,
  ];
  await new Promise<void>((resolve, reject) => {
    const ffmpeg = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-readrate', '4', '-i', clip, ...output('0:v:0', 96, videoSocket), ...output('0:a:0', 111, audioSocket)], { stdio: 'ignore' });
    ffmpeg.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}`))));
  });
  await sleep(200);
  videoSocket.close();
  audioSocket.close();
  const videoStream = toStream(video, 90_000);
  const audioStream = toStream(audio, 48_000);
  const loopMs = Math.ceil(Math.max(lastDue(videoStream) + 1000 / 15, lastDue(audioStream) + 20));
  return { video: videoStream, audio: audioStream, loopMs };
}

function toStream(packets: Buffer[], clockRate: number): ClipStream {
  const sorted = [...packets].sort((a, b) => a.readUInt16BE(2) - b.readUInt16BE(2));
  const firstSequence = sorted[0]!.readUInt16BE(2);
  const firstTimestamp = sorted[0]!.readUInt32BE(4);
  return {
    clockRate,
    packets: sorted.map((bytes) => {
      const timestampOffset = (bytes.readUInt32BE(4) - firstTimestamp) >>> 0;
      return { bytes, dueMs: (1000 * timestampOffset) / clockRate, sequenceOffset: (bytes.readUInt16BE(2) - firstSequence) & 0xffff, timestampOffset };
    }),
  };
}

function lastDue(stream: ClipStream): number {
  return stream.packets.at(-1)?.dueMs ?? 0;
}

interface Sender {
  socket: Socket;
  startedAt: number;
  streams: { stream: ClipStream; port: number; ssrc: number; next: number; loop: number }[];
}

/**
 * Replays the captured clip for many endpoints from one process: each sender has its own UDP
 * socket (a plain transport in comedia mode learns its address), its own SSRCs, continuous
 * sequence numbers and timestamps across loops, and a random start so key frames do not all
 * come at once. 120 ffmpeg processes would cost about a core on a 2-core machine; this does not.
 */
export class RtpReplayer {
  private readonly senders = new Set<Sender>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly clip: CapturedClip) {
    this.timer = setInterval(() => this.tick(), 5);
  }

  add(videoPort: number, videoSsrc: number, audioPort: number, audioSsrc: number): () => void {
    const socket = createSocket('udp4');
    const sender: Sender = {
      socket,
      startedAt: performance.now() - Math.random() * this.clip.loopMs,
      streams: [
        { stream: this.clip.video, port: videoPort, ssrc: videoSsrc, next: 0, loop: 0 },
        { stream: this.clip.audio, port: audioPort, ssrc: audioSsrc, next: 0, loop: 0 },
      ],
    };
    // Start where the random start says, not with a burst of everything before it.
    const elapsed = performance.now() - sender.startedAt;
    for (const entry of sender.streams) {
      const next = entry.stream.packets.findIndex((packet) => packet.dueMs >= elapsed);
      entry.next = next >= 0 ? next : 0;
      entry.loop = next >= 0 ? 0 : 1;
    }
    this.senders.add(sender);
    return () => {
      this.senders.delete(sender);
      socket.close();
    };
  }

  close(): void {
    clearInterval(this.timer);
    for (const sender of this.senders) sender.socket.close();
    this.senders.clear();
  }

  private tick(): void {
    const now = performance.now();
    for (const sender of this.senders) {
      const elapsed = now - sender.startedAt;
      for (const entry of sender.streams) {
        const { packets, clockRate } = entry.stream;
        for (;;) {
          const packet = packets[entry.next]!;
          if (entry.loop * this.clip.loopMs + packet.dueMs > elapsed) break;
          const bytes = Buffer.from(packet.bytes);
          bytes.writeUInt16BE((packet.sequenceOffset + entry.loop * packets.length) & 0xffff, 2);
          const loopTicks = Math.round((this.clip.loopMs * clockRate) / 1000);
          bytes.writeUInt32BE((packet.timestampOffset + entry.loop * loopTicks) >>> 0, 4);
          bytes.writeUInt32BE(entry.ssrc >>> 0, 8);
          sender.socket.send(bytes, entry.port, '127.0.0.1');
          entry.next++;
          if (entry.next >= packets.length) {
            entry.next = 0;
            entry.loop++;
          }
        }
      }
    }
  }
}
