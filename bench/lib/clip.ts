import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface ClipSettings {
  width: number;
  height: number;
  fps: number;
  videoKbps: number;
  /** Frames between key frames (a replayed sender answers a key frame request by skipping to the next one; ffmpeg senders cannot). */
  keyframeInterval: number;
}

export const DEFAULT_CLIP: ClipSettings = { width: 640, height: 360, fps: 15, videoKbps: 350, keyframeInterval: 8 };

/**
 * The low simulcast layer a synthetic camera sends beside DEFAULT_CLIP, as a browser's lowest
 * (client/src/lib/media/simulcast.ts: a quarter of the size, 100 kb/s, 15 fps): what thumbnails
 * carry. Same frame rate, key frame interval and length as DEFAULT_CLIP, so both layers loop
 * together and their key frames fall on the same frames. Its audio goes unused.
 */
export const LOW_CLIP: ClipSettings = { ...DEFAULT_CLIP, width: 160, height: 90, videoKbps: 100 };

/**
 * A short VP8 + Opus clip, encoded once (then cached): every synthetic endpoint replays it with
 * `-c copy`, so sending costs no encoding.
 */
export async function ensureClip(cacheDir: string, settings: ClipSettings = DEFAULT_CLIP): Promise<string> {
  mkdirSync(cacheDir, { recursive: true });
  const { width, height, fps, videoKbps, keyframeInterval } = settings;
  const file = join(cacheDir, `clip-${width}x${height}-${fps}fps-${videoKbps}k-g${keyframeInterval}.webm`);
  if (existsSync(file)) return file;
  await promisify(execFile)('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', '20',
    '-c:v', 'libvpx', '-b:v', `${videoKbps}k`, '-g', String(keyframeInterval), '-keyint_min', String(keyframeInterval),
    '-deadline', 'realtime', '-cpu-used', '8', '-error-resilient', '1',
    '-c:a', 'libopus', '-b:a', '32k', '-ac', '2', '-ar', '48000', '-frame_duration', '20',
    file,
  ]);
  return file;
}

/**
 * The clip's picture as raw video for Chromium's fake camera (`--use-file-for-fake-video-capture`,
 * which loops it): a browser endpoint then captures what the synthetic endpoints send, at the same
 * size and frame rate, instead of its built-in 720p at 30 fps.
 */
export async function ensureCameraFile(cacheDir: string, settings: ClipSettings = DEFAULT_CLIP): Promise<string> {
  mkdirSync(cacheDir, { recursive: true });
  const { width, height, fps } = settings;
  const file = join(cacheDir, `camera-${width}x${height}-${fps}fps.y4m`);
  if (existsSync(file)) return file;
  await promisify(execFile)('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`,
    '-t', '4', '-pix_fmt', 'yuv420p', file,
  ]);
  return file;
}
