import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RecorderCodec } from '@ehop/protocol';
import { areBound } from './udp-ports.js';

export interface CaptureOptions {
  host: string;
  videoPort: number;
  audioPort: number;
  video: RecorderCodec;
  audio: RecorderCodec;
  sdpPath: string;
  /** Matroska written as it goes: a crash leaves a readable file up to the last cluster. */
  outputPath: string;
  ffmpegPath?: string;
}

export function sdpOf(options: Pick<CaptureOptions, 'host' | 'videoPort' | 'audioPort' | 'video' | 'audio'>): string {
  const { host, video, audio } = options;
  const name = (codec: RecorderCodec) => codec.mimeType.split('/')[1];
  return [
    'v=0',
    `o=- 0 0 IN IP4 ${host}`,
    's=eHop recording',
    `c=IN IP4 ${host}`,
    't=0 0',
    `m=video ${options.videoPort} RTP/AVP ${video.payloadType}`,
    `a=rtpmap:${video.payloadType} ${name(video)}/${video.clockRate}`,
    `m=audio ${options.audioPort} RTP/AVP ${audio.payloadType}`,
    `a=rtpmap:${audio.payloadType} ${name(audio)}/${audio.clockRate}/${audio.channels ?? 2}`,
    '',
  ].join('\n');
}

/**
 * Debian's ffmpeg reading the relay's two streams from an SDP and copying them into Matroska
 * (no transcoding). Stopped by writing `q` on its stdin, which writes the file's index.
 */
export class FfmpegCapture {
  private exited: Promise<number | null>;

  private constructor(
    readonly process: ChildProcess,
    private readonly stderr: string[],
  ) {
    this.exited = new Promise((resolve) => process.once('exit', (code) => resolve(code)));
  }

  static async start(options: CaptureOptions): Promise<FfmpegCapture> {
    await writeFile(options.sdpPath, sdpOf(options));
    const child = spawn(
      options.ffmpegPath ?? 'ffmpeg',
      [
        '-hide_banner', '-nostats', '-loglevel', 'warning',
        '-protocol_whitelist', 'file,udp,rtp',
        '-fflags', '+genpts',
        '-analyzeduration', '10M', '-probesize', '10M',
        '-i', options.sdpPath,
        '-map', '0:v:0', '-map', '0:a:0', '-c', 'copy',
        // Clusters of a second: after a crash at most that much is missing from the part file.
        '-cluster_time_limit', '1000',
        '-f', 'matroska', '-y', options.outputPath,
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    const stderr: string[] = [];
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr.push(chunk);
      if (stderr.length > 50) stderr.shift();
    });
    const capture = new FfmpegCapture(child, stderr);
    await capture.waitUntilListening(options.videoPort, options.audioPort);
    return capture;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get log(): string {
    return this.stderr.join('');
  }

  /** `q` makes ffmpeg finish the file; a stuck one is interrupted, then killed. */
  async stop(graceMs = 5000): Promise<number | null> {
    if (this.process.exitCode !== null) return this.process.exitCode;
    if (graceMs === 0) {
      this.process.kill('SIGKILL');
      return this.exited;
    }
    this.process.stdin!.end('q');
    const timeout = Symbol('timeout');
    const first = await Promise.race([this.exited, sleep(graceMs, timeout)]);
    if (first !== timeout) return first as number | null;
    this.process.kill('SIGINT');
    const second = await Promise.race([this.exited, sleep(graceMs, timeout)]);
    if (second !== timeout) return second as number | null;
    this.process.kill('SIGKILL');
    return this.exited;
  }

  /** A busy machine can take seconds to start ffmpeg: wait for its sockets, not a fixed time. */
  private async waitUntilListening(...ports: number[]): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) throw new Error(`ffmpeg exited: ${this.log}`);
      if (await areBound(ports)) return;
      await sleep(25);
    }
    this.process.kill('SIGKILL');
    throw new Error('ffmpeg did not open its RTP ports');
  }
}
