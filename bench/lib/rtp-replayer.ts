import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { asksForKeyFrame, isRtcp, OPUS_SILENCE_FRAME, payloadOffset, rewriteHeader, startsVp8KeyFrame } from '@ehop/rtp';
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
  /** A muted microphone sends only a discontinuous-transmission frame now and then (see MUTED_FRAME_EVERY_MS). */
  muted: boolean;
  lastMutedFrameAt: number;
}

interface Sender {
  socket: Socket;
  startedAt: number;
  video: Cursor;
  audio: Cursor;
}

/**
 * A browser's muted microphone (its track disabled, Opus with DTX as the client asks) sends 4–5
 * small frames a second of silence instead of 50: the synthetic ones send one every 200 ms, so the
 * SFU gets the traffic a real meeting of muted endpoints sends it.
 */
const MUTED_FRAME_EVERY_MS = 200;

/** At most one skip ahead per this many ms: a burst of requests (say, several new receivers) gets one key frame. */
const KEYFRAME_ANSWER_INTERVAL_MS = 100;

/**
 * Replays the captured clip for many endpoints from one process: each sender has its own UDP
 * socket (a plain transport in comedia mode learns its address), its own SSRCs, continuous
 * sequence numbers and timestamps across loops, and a random start so key frames do not all
 * come at once. 120 ffmpeg processes would cost about a core on a 2-core machine; this does not.
 * The bench runs it in a thread of its own (`ThreadedReplayer`), so answering a key frame request
 * never waits behind the bench's other work, as a camera's encoder would not.
 *
 * Like a camera's encoder, a sender answers a key frame request (PLI or FIR, which the SFU sends
 * back on the same socket) with a key frame as its next frame: it skips ahead to the clip's next
 * key frame, keeping sequence numbers and timestamps continuous. Without this, a receiver would
 * wait for the clip's next scheduled key frame (one every `keyframeInterval` frames).
 */
export class RtpReplayer {
  private readonly senders = new Set<Sender>();
  private readonly microphones = new Map<number, Cursor>();
  private readonly timer: NodeJS.Timeout;
  private readonly videoKeyFrames: boolean[];
  /** Key frame requests answered, and the ones that came while a key frame was already next. */
  readonly keyFrameRequests: KeyFrameRequestCounts = { answered: 0, alreadyNext: 0 };
  /** Told of each key frame request: the video SSRC asked, when (epoch ms, so another thread can compare). */
  onKeyFrameRequest: (videoSsrc: number, atEpochMs: number) => void = () => {};

  constructor(private readonly clip: CapturedClip) {
    this.videoKeyFrames = clip.video.packets.map((packet) => startsVp8KeyFrame(packet.bytes));
    this.timer = setInterval(() => this.tick(), 5);
  }

  /** Starts replaying for one endpoint, its microphone muted; returns what stops it. */
  add(videoPort: number, videoSsrc: number, audioPort: number, audioSsrc: number): () => void {
    const socket = createSocket('udp4');
    const startedAt = performance.now() - Math.random() * this.clip.loopMs;
    const sender: Sender = {
      socket,
      startedAt,
      video: this.cursorAt(this.clip.video, videoPort, videoSsrc, performance.now() - startedAt),
      audio: { ...this.cursorAt(this.clip.audio, audioPort, audioSsrc, performance.now() - startedAt), muted: true },
    };
    let lastAnswerAt = Number.NEGATIVE_INFINITY;
    socket.on('message', (packet, from) => {
      if (from.port !== videoPort || !isRtcp(packet) || !asksForKeyFrame(packet)) return;
      this.onKeyFrameRequest(videoSsrc, performance.timeOrigin + performance.now());
      if (performance.now() - lastAnswerAt < KEYFRAME_ANSWER_INTERVAL_MS) return;
      lastAnswerAt = performance.now();
      this.skipToKeyFrame(sender.video);
    });
    this.senders.add(sender);
    this.microphones.set(audioSsrc, sender.audio);
    return () => {
      this.senders.delete(sender);
      this.microphones.delete(audioSsrc);
      socket.close();
    };
  }

  /** The SFU muted or unmuted this endpoint's microphone (the floor); the sender follows, like a browser. */
  setMuted(audioSsrc: number, muted: boolean): void {
    const cursor = this.microphones.get(audioSsrc);
    if (cursor) cursor.muted = muted;
  }

  close(): void {
    clearInterval(this.timer);
    for (const sender of this.senders) sender.socket.close();
    this.senders.clear();
  }

  /** A cursor that starts where `elapsed` falls in the clip, not with a burst of everything before it. */
  private cursorAt(stream: ClipStream, port: number, ssrc: number, elapsed: number): Cursor {
    const next = stream.packets.findIndex((packet) => packet.dueMs >= elapsed);
    return { stream, port, ssrc, next: next >= 0 ? next : 0, loop: next >= 0 ? 0 : 1, sequence: 0, dueShiftMs: 0, timestampShift: 0, muted: false, lastMutedFrameAt: 0 };
  }

  /** Makes the clip's next key frame the cursor's next frame, due when the skipped frame was. */
  private skipToKeyFrame(cursor: Cursor): void {
    let index = cursor.next;
    let loop = cursor.loop;
    while (!this.videoKeyFrames[index]) {
      index++;
      if (index >= this.videoKeyFrames.length) {
        index = 0;
        loop++;
      }
      if (loop > cursor.loop + 1) return; // a clip without key frames: nothing to skip to
    }
    if (index === cursor.next && loop === cursor.loop) {
      this.keyFrameRequests.alreadyNext++;
      return;
    }
    cursor.dueShiftMs += this.dueMs(cursor.stream, index, loop) - this.dueMs(cursor.stream, cursor.next, cursor.loop);
    cursor.timestampShift += this.timestamp(cursor.stream, index, loop) - this.timestamp(cursor.stream, cursor.next, cursor.loop);
    cursor.next = index;
    cursor.loop = loop;
    this.keyFrameRequests.answered++;
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
      for (const cursor of [sender.video, sender.audio]) {
        while (this.dueMs(cursor.stream, cursor.next, cursor.loop) - cursor.dueShiftMs <= elapsed) {
          const packet = this.nextPacket(cursor, now);
          if (packet) sender.socket.send(packet, cursor.port, '127.0.0.1');
        }
      }
    }
  }

  /** The cursor's next packet as this sender sends it (null: a muted microphone skips it); moves on. */
  private nextPacket(cursor: Cursor, now: number): Buffer | null {
    const clipPacket = cursor.stream.packets[cursor.next]!.bytes;
    let packet: Buffer | null = null;
    if (!cursor.muted) packet = Buffer.from(clipPacket);
    else if (now - cursor.lastMutedFrameAt >= MUTED_FRAME_EVERY_MS) {
      cursor.lastMutedFrameAt = now;
      packet = Buffer.concat([clipPacket.subarray(0, payloadOffset(clipPacket) ?? 12), OPUS_SILENCE_FRAME]);
    }
    if (packet) {
      rewriteHeader(packet, {
        ssrc: cursor.ssrc,
        sequence: cursor.sequence,
        timestamp: (this.timestamp(cursor.stream, cursor.next, cursor.loop) - cursor.timestampShift) >>> 0,
      });
      cursor.sequence = (cursor.sequence + 1) & 0xffff;
    }
    cursor.next++;
    if (cursor.next >= cursor.stream.packets.length) {
      cursor.next = 0;
      cursor.loop++;
    }
    return packet;
  }
}
