import type wrtc from '@roamhq/wrtc';

export const SYNTHETIC_VIDEO = { width: 320, height: 180, fps: 10 } as const;
const AUDIO = { sampleRate: 48_000, frameMs: 10 } as const;

/** A camera and a microphone made in Node: a moving grey ramp and a 440 Hz tone. */
export interface SyntheticMedia {
  camera: MediaStreamTrack;
  microphone: MediaStreamTrack;
  stop(): void;
}

/** Paints frame number `tick` into the luma plane of a SYNTHETIC_VIDEO frame (chroma stays grey). */
export type LumaPainter = (luma: Uint8Array, tick: number) => void;

/** Luma: a ramp that moves, so the encoder has something to encode. */
export function paintMovingRamp(luma: Uint8Array, tick: number, fromRow = 0): void {
  const { width, height } = SYNTHETIC_VIDEO;
  for (let y = fromRow; y < height; y++) luma.fill((y + tick * 4) & 0xff, y * width, (y + 1) * width);
}

/**
 * Frames at a small size and rate: an endpoint's libwebrtc encodes them (VP8, Opus) as a
 * browser would, and several endpoints on two shared cores must leave room for the servers.
 * `paint` draws the picture (a benchmark marks its senders' pictures this way).
 */
export function startSyntheticMedia(rtc: typeof wrtc, paint: LumaPainter = paintMovingRamp): SyntheticMedia {
  const video = new rtc.nonstandard.RTCVideoSource();
  const audio = new rtc.nonstandard.RTCAudioSource();
  const { width, height, fps } = SYNTHETIC_VIDEO;
  const frame = new Uint8Array((width * height * 3) / 2);
  let tick = 0;
  const videoTimer = setInterval(() => {
    tick++;
    paint(frame.subarray(0, width * height), tick);
    frame.fill(128, width * height);
    video.onFrame({ width, height, data: frame });
  }, 1000 / fps);

  const samplesPerFrame = (AUDIO.sampleRate * AUDIO.frameMs) / 1000;
  const samples = new Int16Array(samplesPerFrame);
  let phase = 0;
  const audioTimer = setInterval(() => {
    for (let i = 0; i < samplesPerFrame; i++) samples[i] = Math.round(Math.sin((2 * Math.PI * 440 * phase++) / AUDIO.sampleRate) * 8_000);
    audio.onData({ samples, sampleRate: AUDIO.sampleRate, bitsPerSample: 16, channelCount: 1, numberOfFrames: samplesPerFrame });
  }, AUDIO.frameMs);

  const camera = video.createTrack() as unknown as MediaStreamTrack;
  const microphone = audio.createTrack() as unknown as MediaStreamTrack;
  return {
    camera,
    microphone,
    stop() {
      clearInterval(videoTimer);
      clearInterval(audioTimer);
      camera.stop();
      microphone.stop();
    },
  };
}
