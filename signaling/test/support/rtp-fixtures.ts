import type { DtlsParameters, RtpParameters } from '@ehop/protocol';

/*
 * What mediasoup-client in Chrome sends for `transport.produce()` of a microphone (Opus) and a
 * camera (VP8). mediasoup accepts a producer on a transport that has not connected yet, so these
 * let the tests publish tracks through the real SFU without a browser.
 */
const sharedHeaderExtensions = [
  { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4, encrypt: false, parameters: {} },
  { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: 2, encrypt: false, parameters: {} },
];

export function opusMicRtpParameters(ssrc: number): RtpParameters {
  return {
    mid: '0',
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
    headerExtensions: sharedHeaderExtensions,
    encodings: [{ ssrc, dtx: false }],
    rtcp: { cname: `mic-${ssrc}`, reducedSize: true },
  };
}

export function vp8CameraRtpParameters(ssrc: number): RtpParameters {
  return {
    mid: '1',
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: 96,
        clockRate: 90000,
        parameters: {},
        rtcpFeedback: [
          { type: 'nack', parameter: '' },
          { type: 'nack', parameter: 'pli' },
          { type: 'ccm', parameter: 'fir' },
        ],
      },
    ],
    headerExtensions: sharedHeaderExtensions,
    encodings: [{ ssrc }],
    rtcp: { cname: `cam-${ssrc}`, reducedSize: true },
  };
}

/** A browser's DTLS answer for `media:connectTransport` (mediasoup stores it; the handshake needs a real peer). */
export const browserDtlsParameters: DtlsParameters = {
  role: 'client',
  fingerprints: [{ algorithm: 'sha-256', value: '82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:E2:21:5F:3D:9E:70:1C:BF:2E:32:1F:A4:A6:F4:0C:30' }],
};
