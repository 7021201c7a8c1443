/*
 * RTP parameters of a camera (VP8) and a microphone (Opus) sent as plain RTP, the way ffmpeg's
 * `-f rtp` or a hand-made UDP sender does: no header extensions, and no RTCP feedback unless the
 * sender answers key frame requests. Used by the tests and benches that send media into the SFU's
 * plain transports without a browser.
 */
export const PLAIN_VP8_PAYLOAD_TYPE = 96;
export const PLAIN_OPUS_PAYLOAD_TYPE = 111;

/** Shaped like `@ehop/protocol`'s RtpParameters (a type alias, so it fits its index signatures). */
export type PlainRtpParameters = {
  codecs: { mimeType: string; payloadType: number; clockRate: number; channels?: number; parameters: Record<string, never>; rtcpFeedback: RtcpFeedback[] }[];
  encodings: { ssrc: number }[];
  headerExtensions: [];
  rtcp: { cname: string; reducedSize: boolean };
};

type RtcpFeedback = { type: string; parameter: string };

/**
 * `ssrcs`: one SSRC, or one per simulcast layer, lowest first (the SFU tells the layers apart by
 * SSRC, as a plain transport has no RID header extension).
 *
 * With `answersKeyFrameRequests` the SFU sends the camera a PLI (or FIR) when a receiver needs a
 * key frame, as it does to a browser; without it the SFU never asks, and receivers wait for the
 * sender's next scheduled key frame.
 */
export function plainCameraRtpParameters(ssrcs: number | readonly number[], { answersKeyFrameRequests = false } = {}): PlainRtpParameters {
  const layers = typeof ssrcs === 'number' ? [ssrcs] : ssrcs;
  const rtcpFeedback = answersKeyFrameRequests ? [{ type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] : [];
  return {
    codecs: [{ mimeType: 'video/VP8', payloadType: PLAIN_VP8_PAYLOAD_TYPE, clockRate: 90_000, parameters: {}, rtcpFeedback }],
    encodings: layers.map((ssrc) => ({ ssrc })),
    headerExtensions: [],
    rtcp: { cname: `cam-${layers.at(-1)}`, reducedSize: true },
  };
}

export function plainMicRtpParameters(ssrc: number): PlainRtpParameters {
  return {
    codecs: [{ mimeType: 'audio/opus', payloadType: PLAIN_OPUS_PAYLOAD_TYPE, clockRate: 48_000, channels: 2, parameters: {}, rtcpFeedback: [] }],
    encodings: [{ ssrc }],
    headerExtensions: [],
    rtcp: { cname: `mic-${ssrc}`, reducedSize: true },
  };
}
