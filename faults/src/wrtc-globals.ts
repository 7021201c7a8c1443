import wrtc from '@roamhq/wrtc';

/**
 * mediasoup-client looks for the browser's WebRTC classes on the global object: give it those of
 * @roamhq/wrtc (libwebrtc in Node). Idempotent.
 */
export function installWrtcGlobals(): typeof wrtc {
  const globals = globalThis as Record<string, unknown>;
  if (globals['RTCPeerConnection'] === wrtc.RTCPeerConnection) return wrtc;
  for (const name of [
    'RTCPeerConnection',
    'RTCSessionDescription',
    'RTCIceCandidate',
    'MediaStream',
    'MediaStreamTrack',
    'RTCRtpSender',
    'RTCRtpReceiver',
    'RTCRtpTransceiver',
  ] as const) {
    globals[name] = wrtc[name];
  }
  return wrtc;
}
