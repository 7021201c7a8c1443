import { levelFromTimeDomain, smoothLevel } from './audio-level.js';

/**
 * Calls `onLevel` about 20 times a second with a microphone track's loudness (0..1).
 * Returns the function that stops it and frees the audio graph.
 */
export function monitorAudioLevel(track: MediaStreamTrack, onLevel: (level: number) => void): () => void {
  const context = new AudioContext();
  const source = context.createMediaStreamSource(new MediaStream([track]));
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  source.connect(analyser);
  const samples = new Uint8Array(analyser.fftSize);
  let level = 0;
  const timer = setInterval(() => {
    analyser.getByteTimeDomainData(samples);
    level = smoothLevel(level, track.enabled ? levelFromTimeDomain(samples) : 0);
    onLevel(level);
  }, 50);
  return () => {
    clearInterval(timer);
    source.disconnect();
    void context.close();
  };
}
