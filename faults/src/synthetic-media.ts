import type wrtc from '@roamhq/wrtc';

const VIDEO = { width: 320, height: 180, fps: 10 } as const;
const AUDIO = { sampleRate: 48_000, frameMs: 10 } as const;

/** A camera and a microphone made in Node: a moving grey ramp and a 440 Hz tone. */
export interface SyntheticMedia {
  camera: MediaStreamTrack;
  microphone: MediaStreamTrack;
  stop(): void;
}

/**
 * Frames at a small size and rate: an endpoint's libwebrtc encodes them (VP8, Opus) as a
 * browser would, and several endpoints on two shared cores must leave room for the servers.
 */
export function startSyntheticMedia(rtc: typeof wrtc): SyntheticMedia {
  const video = new rtc.nonstandard.RTCVideoSource();
  const audio = new rtc.nonstandard.RTCAudioSource();
  const { width, height, fps } = VIDEO;
  const frame = new Uint8Array((width * height * 3) / 2);
  let tick = 0;
  const videoTimer = setInterval(() => {
    tick++;
    // Luma: a ramp that moves, so the encoder has something to encode; chroma stays grey.
    for (let y = 0; y < height; y++) frame.fill((y + tick * 4) & 0xff, y * width, (y + 1) * width);
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
