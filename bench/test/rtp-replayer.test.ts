import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { isRtcp, sequenceOf, ssrcOf, startsVp8KeyFrame, timestampOf } from '@ehop/rtp';
import { RtpReplayer, type CapturedClip } from '../lib/rtp-replayer.js';
import { sleep } from '../lib/stats.js';

const FPS = 15;
/** Two seconds of video with a single key frame, at its start: a key frame soon after a request or a resume is no coincidence. */
const FRAMES = 2 * FPS;
const LOOP_MS = (1000 * FRAMES) / FPS;
const LOW = 1001;
const TOP = 1002;
const MIC = 1003;

/** One RTP packet of `payload` (header fields as a capture leaves them: the replayer rewrites them). */
function rtp(timestamp: number, payload: number[]): Buffer {
  const packet = Buffer.alloc(12 + payload.length);
  packet[0] = 0x80;
  packet[1] = 96;
  packet.writeUInt32BE(timestamp, 4);
  packet.set(payload, 12);
  return packet;
}

/** A video stream of one packet per frame: VP8 payload descriptor with S set, and a frame header whose P bit says key frame or not. */
function videoStream(): CapturedClip['video'] {
  return {
    clockRate: 90_000,
    packets: Array.from({ length: FRAMES }, (_, frame) => {
      const timestampOffset = (frame * 90_000) / FPS;
      return { dueMs: (1000 * frame) / FPS, timestampOffset, bytes: rtp(timestampOffset, [0x10, frame === 0 ? 0x00 : 0x01, 0, 0]) };
    }),
  };
}

function audioStream(): CapturedClip['audio'] {
  return {
    clockRate: 48_000,
    packets: Array.from({ length: LOOP_MS / 20 }, (_, index) => ({ dueMs: index * 20, timestampOffset: index * 960, bytes: rtp(index * 960, [0xf8, 0xff, 0xfe]) })),
  };
}

const clip: CapturedClip = { video: videoStream(), lowVideo: videoStream(), audio: audioStream(), loopMs: LOOP_MS };

interface Received {
  ssrc: number;
  sequence: number;
  timestamp: number;
  keyFrame: boolean;
  /** Epoch ms. */
  at: number;
}

/** Where a replayed camera sends: its RTP packets and sender reports, and the port its key frame requests go back from. */
class Receiver {
  readonly packets: Received[] = [];
  readonly reports: { ssrc: number; wallClockMs: number; rtpTimestamp: number }[] = [];
  private replayer: { address: string; port: number } | undefined;

  private constructor(readonly socket: Socket) {
    socket.on('message', (packet, from) => {
      this.replayer = from;
      if (isRtcp(packet)) this.onRtcp(packet);
      else this.packets.push({ ssrc: ssrcOf(packet), sequence: sequenceOf(packet), timestamp: timestampOf(packet), keyFrame: startsVp8KeyFrame(packet), at: Date.now() });
    });
  }

  static async bind(): Promise<Receiver> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new Receiver(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  of(ssrc: number, from = 0): Received[] {
    return this.packets.slice(from).filter((packet) => packet.ssrc === ssrc);
  }

  /** A PLI naming `mediaSsrc`, sent back to the replayer as the SFU would. */
  askKeyFrame(mediaSsrc: number): void {
    const pli = Buffer.alloc(12);
    pli[0] = 0x81;
    pli[1] = 206;
    pli.writeUInt16BE(2, 2);
    pli.writeUInt32BE(mediaSsrc, 8);
    this.socket.send(pli, this.replayer!.port, this.replayer!.address);
  }

  private onRtcp(packet: Buffer): void {
    if (packet[1] !== 200) return;
    const ntpSeconds = packet.readUInt32BE(8) - 2_208_988_800;
    const wallClockMs = ntpSeconds * 1000 + (packet.readUInt32BE(12) / 2 ** 32) * 1000;
    this.reports.push({ ssrc: packet.readUInt32BE(4), wallClockMs, rtpTimestamp: packet.readUInt32BE(16) });
  }
}

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(5);
  }
}

describe('RtpReplayer, a simulcast camera', () => {
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  async function camera(): Promise<{ replayer: RtpReplayer; receiver: Receiver }> {
    const replayer = new RtpReplayer(clip);
    const receiver = await Receiver.bind();
    replayer.add(receiver.port, [LOW, TOP], receiver.port, MIC);
    closers.push(() => replayer.close(), () => receiver.socket.close());
    await until(() => receiver.of(LOW).length > 0 && receiver.of(TOP).length > 0);
    return { replayer, receiver };
  }

  it('stops its top layer when the SFU says only layer 0 is received, and starts it again with a key frame, in sequence and on time', async () => {
    const { replayer, receiver } = await camera();
    replayer.setMaxSpatialLayer(TOP, 0);
    await sleep(150); // the frame under way ends (one packet per frame here), then the layer is quiet
    const lastBefore = receiver.of(TOP).at(-1)!;
    const paused = receiver.packets.length;
    await sleep(300);
    expect(receiver.of(TOP, paused)).toEqual([]);
    expect(receiver.of(LOW, paused).length).toBeGreaterThan(0);

    replayer.setMaxSpatialLayer(TOP, 1);
    await until(() => receiver.of(TOP, paused).length > 0, 200);
    const firstAfter = receiver.of(TOP, paused)[0]!;
    expect(firstAfter.keyFrame).toBe(true);
    expect(firstAfter.sequence).toBe((lastBefore.sequence + 1) & 0xffff);
    // Timestamps follow the clock across the pause.
    const timestampGapMs = ((firstAfter.timestamp - lastBefore.timestamp) >>> 0) / 90;
    expect(Math.abs(timestampGapMs - (firstAfter.at - lastBefore.at))).toBeLessThan(40);
  });

  it('answers a PLI with a key frame on the layer it names only', async () => {
    const { replayer, receiver } = await camera();
    const asked: number[] = [];
    replayer.onKeyFrameRequest = (layerSsrc) => asked.push(layerSsrc);
    const before = receiver.packets.length;
    receiver.askKeyFrame(LOW);
    await until(() => receiver.of(LOW, before).some((packet) => packet.keyFrame), 200);
    expect(asked).toEqual([LOW]);
    expect(replayer.keyFrameRequests.answered + replayer.keyFrameRequests.alreadyNext).toBe(1);
  });

  it('sends a sender report per layer that ties its RTP timestamps to the wall clock', async () => {
    const { receiver } = await camera();
    await until(() => [LOW, TOP].every((ssrc) => receiver.reports.some((report) => report.ssrc === ssrc)), 1_500);
    for (const ssrc of [LOW, TOP]) {
      const report = receiver.reports.find((candidate) => candidate.ssrc === ssrc)!;
      const packet = receiver.of(ssrc).at(-1)!;
      const timestampGapMs = ((report.rtpTimestamp - packet.timestamp) | 0) / 90;
      expect(Math.abs(timestampGapMs - (report.wallClockMs - packet.at))).toBeLessThan(40);
    }
  });
});
