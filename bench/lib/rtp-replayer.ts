import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { isRtcp, keyFrameRequestSsrcs, OPUS_SILENCE_FRAME, payloadOffset, rewriteHeader, senderReport, startsVp8KeyFrame } from '@ehop/rtp';
import { sleep } from './stats.js';

interface ClipPacket {
  /** When it is due, ms from the start of the loop (from its RTP timestamp). */
  dueMs: number;
  /** The packet with its header as ffmpeg wrote it; sequence, timestamp and SSRC are rewritten per sender. */
  bytes: Buffer;
  timestampOffset: number;
}

interface ClipStream {
  packets: ClipPacket[];
  clockRate: number;
}

export interface CapturedClip {
  video: ClipStream;
  /** The low simulcast layer (clip.ts's LOW_CLIP), when captured: a camera may then send both. */
  lowVideo?: ClipStream;
  audio: ClipStream;
  loopMs: number;
}

/**
 * Packetizes the pre-encoded clip once with ffmpeg (`-c copy -f rtp`, exactly what each sender
 * would do) and keeps the packets, so one process can replay them for every endpoint. With
 * `lowClip` (as long as `clip`, at the same frame rate) it keeps that one's video too, as the
 * cameras' low simulcast layer.
 */
export async function captureClip(clip: string, lowClip?: string): Promise<CapturedClip> {
  const [video, audio, lowVideo] = await capturePackets(lowClip ? [clip, lowClip] : [clip], [
    { map: '0:v:0', payloadType: 96 },
    { map: '0:a:0', payloadType: 111 },
    ...(lowClip ? [{ map: '1:v:0', payloadType: 96 }] : []),
  ]);
  const videoStreams = [toStream(video!, 90_000), ...(lowVideo ? [toStream(lowVideo, 90_000)] : [])];
  const audioStream = toStream(audio!, 48_000);
  const loopMs = Math.ceil(Math.max(...videoStreams.map((stream) => lastDue(stream) + 1000 / 15), lastDue(audioStream) + 20));
  return { video: videoStreams[0]!, ...(videoStreams[1] ? { lowVideo: videoStreams[1] } : {}), audio: audioStream, loopMs };
}

/** The RTP packets ffmpeg writes for each of `outputs` (a stream of `inputs`), one list per output. */
async function capturePackets(inputs: string[], outputs: { map: string; payloadType: number }[]): Promise<Buffer[][]> {
  const sockets = outputs.map(() => createSocket({ type: 'udp4', recvBufferSize: 16 << 20 }));
  const packets = sockets.map((socket) => {
    const received: Buffer[] = [];
    socket.on('message', (packet) => received.push(Buffer.from(packet)));
    return received;
  });
  await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))));
  const inputArgs = inputs.flatMap((input) => ['-readrate', '4', '-i', input]);
  const outputArgs = outputs.flatMap(({ map, payloadType }, index) => [
    // Sequence numbers from 0: the packets are put back in order by them, which a wrap would spoil.
    '-map', map, '-c', 'copy', '-f', 'rtp', '-ssrc', '1', '-seq', '0', '-payload_type', String(payloadType), '-rtpflags', 'skip_rtcp',
    `rtp://127.0.0.1:${sockets[index]!.address().port}?pkt_size=1200`,
  ]);
  await new Promise<void>((resolve, reject) => {
    const ffmpeg = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', ...inputArgs, ...outputArgs], { stdio: 'ignore' });
    ffmpeg.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}`))));
  });
  await sleep(200);
  sockets.forEach((socket) => socket.close());
  return packets;
}

function toStream(packets: Buffer[], clockRate: number): ClipStream {
  const sorted = [...packets].sort((a, b) => a.readUInt16BE(2) - b.readUInt16BE(2));
  const firstTimestamp = sorted[0]!.readUInt32BE(4);
  return {
    clockRate,
    packets: sorted.map((bytes) => {
      const timestampOffset = (bytes.readUInt32BE(4) - firstTimestamp) >>> 0;
      return { bytes, dueMs: (1000 * timestampOffset) / clockRate, timestampOffset };
    }),
  };
}

function lastDue(stream: ClipStream): number {
  return stream.packets.at(-1)?.dueMs ?? 0;
}

export interface KeyFrameRequestCounts {
  answered: number;
  alreadyNext: number;
}

/** Where one sender is in one of the clip's streams, and how its replay is shifted by skips ahead. */
interface Cursor {
  stream: ClipStream;
  port: number;
  ssrc: number;
  /** Index of the next packet to send, and how many times the clip has looped. */
  next: number;
  loop: number;
  /** The next sequence number: a counter, so skipping packets leaves no gap. */
  sequence: number;
  /** How much earlier (ms) than the clip says packets are due, and how many ticks their timestamps move back, after skips ahead. */
  dueShiftMs: number;
  timestampShift: number;
  /** Packets and payload bytes sent, for the sender reports. */
  packetsSent: number;
  octetsSent: number;
}

interface Microphone extends Cursor {
  /** A muted microphone sends only a discontinuous-transmission frame now and then (see MUTED_FRAME_EVERY_MS). */
  muted: boolean;
  lastMutedFrameAt: number;
}

/** One simulcast layer of a camera, as its encoder would run it. */
interface VideoLayer extends Cursor {
  /** Which of the stream's packets start a key frame. */
  keyFrames: boolean[];
  /** Whether the SFU wants this layer sent (`media:sendLayers`); a browser starts with all of them on. */
  wanted: boolean;
  /** Whether it sends now: it follows `wanted` at frame starts, so no receiver gets half a frame. */
  sending: boolean;
  lastKeyFrameAnswerAt: number;
}

interface Sender {
  socket: Socket;
  startedAt: number;
  /** The camera's simulcast layers, lowest first; the last, the top, names the camera. */
  layers: VideoLayer[];
  audio: Microphone;
  lastReportAt: number;
}

/**
 * A browser's muted microphone (its track disabled, Opus with DTX as the client asks) sends 4–5
 * small frames a second of silence instead of 50: the synthetic ones send one every 200 ms, so the
 * SFU gets the traffic a real meeting of muted endpoints sends it.
 */
const MUTED_FRAME_EVERY_MS = 200;

/** At most one skip ahead per layer per this many ms: a burst of requests (say, several new receivers) gets one key frame. */
const KEYFRAME_ANSWER_INTERVAL_MS = 100;

/** How often each sending camera layer sends an RTCP sender report (a browser's camera: every second or so). */
const SENDER_REPORT_INTERVAL_MS = 1_000;

/**
 * Replays the captured clip for many endpoints from one process: each sender has its own UDP
 * socket (a plain transport in comedia mode learns its address), its own SSRCs, continuous
 * sequence numbers and timestamps across loops, and a random start so key frames do not all
 * come at once. 120 ffmpeg processes would cost about a core on a 2-core machine; this does not.
 * The bench runs it in a thread of its own (`ThreadedReplayer`), so answering a key frame request
 * never waits behind the bench's other work, as a camera's encoder would not.
 *
 * A camera sends the clip's video as its top simulcast layer and, when given two SSRCs and the
 * clip has one, the low clip as its lowest layer, as a browser simulcasts: both from the same
 * socket to the same port, each with its own SSRC, and a sender report per layer every second
 * (the SFU lines up the layers' timestamps with them before it switches a receiver between them).
 *
 * Like a camera's encoder, a sender answers a key frame request (PLI or FIR, which the SFU sends
 * back on the same socket, naming the layer's SSRC) with a key frame as that layer's next frame:
 * it skips ahead to the clip's next key frame, keeping sequence numbers and timestamps
 * continuous. Without this, a receiver would wait for the clip's next scheduled key frame (one
 * every `keyframeInterval` frames). Likewise, when the SFU says a layer is not needed
 * (`setMaxSpatialLayer`) the layer stops sending but keeps time, and when it is needed again it
 * starts with a key frame.
 */
export class RtpReplayer {
  private readonly senders = new Set<Sender>();
  private readonly microphones = new Map<number, Microphone>();
  /** Senders by their camera's top-layer SSRC. */
  private readonly cameras = new Map<number, Sender>();
  private readonly timer: NodeJS.Timeout;
  /** The clip's video streams a camera may send, lowest layer first. */
  private readonly videoStreams: ClipStream[];
  private readonly keyFrames = new Map<ClipStream, boolean[]>();
  /** Key frame requests answered, and the ones that came while a key frame was already next. */
  readonly keyFrameRequests: KeyFrameRequestCounts = { answered: 0, alreadyNext: 0 };
  /**
   * Told of each key frame request: the SSRC of the layer asked (a camera's top layer, the main
   * screen's picture, has the camera's own SSRC), when (epoch ms, so another thread can compare).
   */
  onKeyFrameRequest: (layerSsrc: number, atEpochMs: number) => void = () => {};

  constructor(private readonly clip: CapturedClip) {
    this.videoStreams = clip.lowVideo ? [clip.lowVideo, clip.video] : [clip.video];
    for (const stream of this.videoStreams) this.keyFrames.set(stream, stream.packets.map((packet) => startsVp8KeyFrame(packet.bytes)));
    this.timer = setInterval(() => this.tick(), 5);
  }

  /**
   * Starts replaying for one endpoint, its microphone muted; returns what stops it. `videoSsrcs`:
   * one per simulcast layer, lowest first (two with a low clip captured; one sends the top alone).
   */
  add(videoPort: number, videoSsrcs: readonly number[], audioPort: number, audioSsrc: number): () => void {
    if (videoSsrcs.length < 1 || videoSsrcs.length > this.videoStreams.length) throw new Error(`the clip has ${this.videoStreams.length} video layers, not ${videoSsrcs.length}`);
    const socket = createSocket('udp4');
    const startedAt = performance.now() - Math.random() * this.clip.loopMs;
    const elapsed = performance.now() - startedAt;
    const streams = this.videoStreams.slice(-videoSsrcs.length);
    const sender: Sender = {
      socket,
      startedAt,
      layers: videoSsrcs.map((ssrc, index) => this.layerAt(streams[index]!, videoPort, ssrc, elapsed)),
      audio: { ...this.cursorAt(this.clip.audio, audioPort, audioSsrc, elapsed), muted: true, lastMutedFrameAt: 0 },
      lastReportAt: performance.now(),
    };
    socket.on('message', (packet, from) => {
      if (from.port === videoPort && isRtcp(packet)) this.onVideoRtcp(sender, packet);
    });
    const cameraSsrc = videoSsrcs.at(-1)!;
    this.senders.add(sender);
    this.cameras.set(cameraSsrc, sender);
    this.microphones.set(audioSsrc, sender.audio);
    return () => {
      this.senders.delete(sender);
      this.cameras.delete(cameraSsrc);
      this.microphones.delete(audioSsrc);
      socket.close();
    };
  }

  /** The SFU muted or unmuted this endpoint's microphone (the floor); the sender follows, like a browser. */
  setMuted(audioSsrc: number, muted: boolean): void {
    const microphone = this.microphones.get(audioSsrc);
    if (microphone) microphone.muted = muted;
  }

  /**
   * The SFU says which of this camera's layers anyone receives (0..`maxSpatialLayer`): the others
   * stop at their current frame's end; a layer turned back on starts with a key frame, as a
   * browser's encoder starts a re-enabled layer.
   */
  setMaxSpatialLayer(cameraSsrc: number, maxSpatialLayer: number): void {
    this.cameras.get(cameraSsrc)?.layers.forEach((layer, index) => {
      const wanted = index <= maxSpatialLayer;
      if (wanted && !layer.sending) this.skipToKeyFrame(layer);
      layer.wanted = wanted;
    });
  }

  close(): void {
    clearInterval(this.timer);
    for (const sender of this.senders) sender.socket.close();
    this.senders.clear();
  }

  /** A cursor that starts where `elapsed` falls in the clip, not with a burst of everything before it. */
  private cursorAt(stream: ClipStream, port: number, ssrc: number, elapsed: number): Cursor {
    const next = stream.packets.findIndex((packet) => packet.dueMs >= elapsed);
    return { stream, port, ssrc, next: next >= 0 ? next : 0, loop: next >= 0 ? 0 : 1, sequence: 0, dueShiftMs: 0, timestampShift: 0, packetsSent: 0, octetsSent: 0 };
  }

  private layerAt(stream: ClipStream, port: number, ssrc: number, elapsed: number): VideoLayer {
    const keyFrames = this.keyFrames.get(stream)!;
    return { ...this.cursorAt(stream, port, ssrc, elapsed), keyFrames, wanted: true, sending: true, lastKeyFrameAnswerAt: Number.NEGATIVE_INFINITY };
  }

  private onVideoRtcp(sender: Sender, packet: Buffer): void {
    for (const ssrc of keyFrameRequestSsrcs(packet)) {
      const layer = sender.layers.find((candidate) => candidate.ssrc === ssrc);
      if (!layer) continue;
      this.answerKeyFrameRequest(layer);
      this.onKeyFrameRequest(ssrc, performance.timeOrigin + performance.now());
    }
  }

  /** A layer that is on answers with a key frame, at most once per KEYFRAME_ANSWER_INTERVAL_MS; one that is off starts with one anyway. */
  private answerKeyFrameRequest(layer: VideoLayer): void {
    if (!layer.wanted || performance.now() - layer.lastKeyFrameAnswerAt < KEYFRAME_ANSWER_INTERVAL_MS) return;
    layer.lastKeyFrameAnswerAt = performance.now();
    if (this.skipToKeyFrame(layer)) this.keyFrameRequests.answered++;
    else this.keyFrameRequests.alreadyNext++;
  }

  /** Makes the clip's next key frame the layer's next frame, due when the skipped frame was; false when it already was (or the clip has none). */
  private skipToKeyFrame(layer: VideoLayer): boolean {
    let index = layer.next;
    let loop = layer.loop;
    while (!layer.keyFrames[index]) {
      index++;
      if (index >= layer.keyFrames.length) {
        index = 0;
        loop++;
      }
      if (loop > layer.loop + 1) return false;
    }
    if (index === layer.next && loop === layer.loop) return false;
    layer.dueShiftMs += this.dueMs(layer.stream, index, loop) - this.dueMs(layer.stream, layer.next, layer.loop);
    layer.timestampShift += this.timestamp(layer.stream, index, loop) - this.timestamp(layer.stream, layer.next, layer.loop);
    layer.next = index;
    layer.loop = loop;
    return true;
  }

  private dueMs(stream: ClipStream, index: number, loop: number): number {
    return loop * this.clip.loopMs + stream.packets[index]!.dueMs;
  }

  private timestamp(stream: ClipStream, index: number, loop: number): number {
    return stream.packets[index]!.timestampOffset + loop * Math.round((this.clip.loopMs * stream.clockRate) / 1000);
  }

  private tick(): void {
    const now = performance.now();
    for (const sender of this.senders) {
      const elapsed = now - sender.startedAt;
      for (const layer of sender.layers) this.sendDue(sender, layer, elapsed, () => this.layerPacket(layer));
      this.sendDue(sender, sender.audio, elapsed, () => this.microphonePacket(sender.audio, now));
      // Only simulcast senders report: mediasoup needs reports to move a receiver between layers,
      // and a single-layer sender stays as it always was (with reports, the recordings test's
      // switch between cameras took 1.1-1.5 s instead of under 1 s; not understood yet).
      if (sender.layers.length > 1 && now - sender.lastReportAt >= SENDER_REPORT_INTERVAL_MS) this.sendReports(sender, now);
    }
  }

  /** Sends the cursor's packets due by `elapsed`; `packetOf` makes each one as this sender sends it (null: it skips it). */
  private sendDue(sender: Sender, cursor: Cursor, elapsed: number, packetOf: () => Buffer | null): void {
    while (this.dueMs(cursor.stream, cursor.next, cursor.loop) - cursor.dueShiftMs <= elapsed) {
      const packet = packetOf();
      if (packet) this.send(sender, cursor, packet);
      cursor.next++;
      if (cursor.next >= cursor.stream.packets.length) {
        cursor.next = 0;
        cursor.loop++;
      }
    }
  }

  /** The layer's next packet, unless the layer is off (it turns on or off where a frame starts). */
  private layerPacket(layer: VideoLayer): Buffer | null {
    const { packets } = layer.stream;
    const startsFrame = layer.next === 0 || packets[layer.next]!.timestampOffset !== packets[layer.next - 1]!.timestampOffset;
    if (startsFrame) layer.sending = layer.wanted;
    return layer.sending ? Buffer.from(packets[layer.next]!.bytes) : null;
  }

  /** The microphone's next packet: the clip's, or now and then a silence frame while muted. */
  private microphonePacket(microphone: Microphone, now: number): Buffer | null {
    const clipPacket = microphone.stream.packets[microphone.next]!.bytes;
    if (!microphone.muted) return Buffer.from(clipPacket);
    if (now - microphone.lastMutedFrameAt < MUTED_FRAME_EVERY_MS) return null;
    microphone.lastMutedFrameAt = now;
    return Buffer.concat([clipPacket.subarray(0, payloadOffset(clipPacket) ?? 12), OPUS_SILENCE_FRAME]);
  }

  /** Sends the cursor's next packet with this sender's SSRC, sequence number and timestamp. */
  private send(sender: Sender, cursor: Cursor, packet: Buffer): void {
    rewriteHeader(packet, {
      ssrc: cursor.ssrc,
      sequence: cursor.sequence,
      timestamp: (this.timestamp(cursor.stream, cursor.next, cursor.loop) - cursor.timestampShift) >>> 0,
    });
    cursor.sequence = (cursor.sequence + 1) & 0xffff;
    cursor.packetsSent++;
    cursor.octetsSent += packet.length - (payloadOffset(packet) ?? 12);
    sender.socket.send(packet, cursor.port, '127.0.0.1');
  }

  /** A sender report for each camera layer that is sending: its RTP time now, against the wall clock. */
  private sendReports(sender: Sender, now: number): void {
    sender.lastReportAt = now;
    for (const layer of sender.layers) {
      if (!layer.sending || layer.packetsSent === 0) continue;
      const report = senderReport({
        ssrc: layer.ssrc,
        wallClockMs: performance.timeOrigin + now,
        rtpTimestamp: this.rtpTimeAt(layer, now - sender.startedAt),
        packets: layer.packetsSent,
        octets: layer.octetsSent,
      });
      sender.socket.send(report, layer.port, '127.0.0.1');
    }
  }

  /** The RTP timestamp `elapsed` ms into the sender's replay: the clip's clock, moved as its packets were by skips ahead. */
  private rtpTimeAt(cursor: Cursor, elapsed: number): number {
    return (Math.round(((elapsed + cursor.dueShiftMs) * cursor.stream.clockRate) / 1000) - cursor.timestampShift) >>> 0;
  }
}
