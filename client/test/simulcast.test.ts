import { describe, expect, it } from 'vitest';
import { cameraEncodings } from '../src/lib/media/simulcast.js';

describe('cameraEncodings', () => {
  it('publishes three layers (quarter, half, full) for a 720p camera', () => {
    const encodings = cameraEncodings(720);
    expect(encodings.map((e) => e.scaleResolutionDownBy)).toEqual([4, 2, 1]);
    expect(encodings.map((e) => e.maxBitrate)).toEqual([100_000, 300_000, 900_000]);
    expect(new Set(encodings.map((e) => e.rid)).size).toBe(3);
  });

  it('orders layers from lowest to highest bitrate', () => {
    const bitrates = cameraEncodings(1080).map((e) => e.maxBitrate);
    expect([...bitrates].sort((a, b) => a - b)).toEqual(bitrates);
  });

  it('keeps three layers down to 360p (smallest layer 90 lines)', () => {
    expect(cameraEncodings(360)).toHaveLength(3);
  });

  it('drops layers that would be smaller than 90 lines, keeping the full-size one on top', () => {
    const twoLayers = cameraEncodings(240);
    expect(twoLayers.map((e) => e.scaleResolutionDownBy)).toEqual([2, 1]);
    expect(twoLayers.map((e) => e.maxBitrate)).toEqual([100_000, 300_000]);
    const oneLayer = cameraEncodings(120);
    expect(oneLayer.map((e) => e.scaleResolutionDownBy)).toEqual([1]);
  });

  it('always sends something, even from a tiny camera', () => {
    expect(cameraEncodings(60)).toHaveLength(1);
  });

  it('assumes 720p when the browser does not report the capture height', () => {
    expect(cameraEncodings(undefined)).toHaveLength(3);
    expect(cameraEncodings(0)).toHaveLength(3);
  });
});
