import type { DtlsParameters, RtpParameters } from '@ehop/protocol';

/*
 * Shaped like what mediasoup-client in Chrome sends for `transport.produce()` of a camera (VP8 with
 * RTX) and a microphone (Opus), with the header extensions and RTCP feedback Chrome negotiates.
 */
export const vp8CameraRtpParameters: RtpParameters = {
  mid: '0',
  codecs: [
    {
      mimeType: 'video/VP8',
      payloadType: 96,
      clockRate: 90000,
      parameters: {},
      rtcpFeedback: [
        { type: 'goog-remb', parameter: '' },
        { type: 'transport-cc', parameter: '' },
        { type: 'ccm', parameter: 'fir' },
        { type: 'nack', parameter: '' },
        { type: 'nack', parameter: 'pli' },
      ],
    },
    { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 }, rtcpFeedback: [] },
  ],
  headerExtensions: [
    { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4, encrypt: false, parameters: {} },
    { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: 2, encrypt: false, parameters: {} },
    {
      uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      id: 3,
      encrypt: false,
      parameters: {},
    },
    { uri: 'urn:3gpp:video-orientation', id: 13, encrypt: false, parameters: {} },
  ],
  encodings: [{ ssrc: 1_234_567_801, rtx: { ssrc: 1_234_567_802 }, dtx: false }],
  rtcp: { cname: 'Xq3T2pZ1kK9fJd0c', reducedSize: true },
};

export const opusMicRtpParameters: RtpParameters = {
  mid: '1',
  codecs: [
    {
      mimeType: 'audio/opus',
      payloadType: 111,
      clockRate: 48000,
      channels: 2,
      parameters: { minptime: 10, useinbandfec: 1 },
      rtcpFeedback: [{ type: 'transport-cc', parameter: '' }],
    },
  ],
  headerExtensions: [
    { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4, encrypt: false, parameters: {} },
    { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: 2, encrypt: false, parameters: {} },
    {
      uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      id: 3,
      encrypt: false,
      parameters: {},
    },
    { uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 1, encrypt: false, parameters: {} },
  ],
  encodings: [{ ssrc: 987_654_301, dtx: false }],
  rtcp: { cname: 'Xq3T2pZ1kK9fJd0c', reducedSize: true },
};

/** A browser's DTLS answer (its certificate fingerprint); mediasoup stores it until ICE connects. */
export const browserDtlsParameters: DtlsParameters = {
  role: 'client',
  fingerprints: [
    {
      algorithm: 'sha-256',
      value: '82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:E2:21:5F:3D:9E:70:1C:BF:2E:32:1F:A4:A6:F4:0C:30',
    },
  ],
};
