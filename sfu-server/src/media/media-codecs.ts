import type { types } from 'mediasoup';

/**
 * What every meeting's router offers. Opus for speech; VP8 because every browser sends it and it
 * simulcasts; H264 constrained baseline (42e01f, packetization-mode 1) for hardware endpoints and
 * room systems that only encode H264.
 */
export const mediaCodecs: types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48_000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90_000, parameters: { 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90_000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];
