/**
 * How the camera is published. Three simulcast layers let the SFU send each receiver the size it
 * can show: a thumbnail in a 100-endpoint grid needs the quarter-size layer, a speaker view the full one.
 */
export interface SimulcastEncoding {
  rid: string;
  scaleResolutionDownBy: number;
  maxBitrate: number;
  maxFramerate?: number;
}

/** Lowest to highest, as mediasoup expects. */
const LAYERS: readonly SimulcastEncoding[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 100_000, maxFramerate: 15 },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 300_000, maxFramerate: 30 },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 900_000, maxFramerate: 30 },
];

/** Below this many lines a layer is too small to be worth its encoder time. */
const MIN_LAYER_HEIGHT = 90;

/**
 * The encodings for a camera captured `captureHeight` lines high: as many of the three layers as
 * stay at least `MIN_LAYER_HEIGHT` high, always at least the full-size one. The scale factors are
 * recomputed so the top layer is always the capture itself.
 */
export function cameraEncodings(captureHeight: number | undefined): SimulcastEncoding[] {
  const height = captureHeight && captureHeight > 0 ? captureHeight : 720;
  const fitting = LAYERS.filter((layer) => height / layer.scaleResolutionDownBy >= MIN_LAYER_HEIGHT);
  const count = Math.max(1, fitting.length);
  const chosen = LAYERS.slice(0, count);
  const topScale = chosen[count - 1]!.scaleResolutionDownBy;
  return chosen.map((layer) => ({ ...layer, scaleResolutionDownBy: layer.scaleResolutionDownBy / topScale }));
}

/** What the camera is asked for: 720p is the top simulcast layer; the browser may give less. */
export const CAMERA_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30, max: 30 },
};

export const MICROPHONE_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};
