import { io, type Socket } from 'socket.io-client';
import type { MediaPolicy, RtpParameters, SfuRequest, SfuRequestName, SfuResponse } from '@ehop/protocol';
import { captureClip, RtpReplayer } from '../../../bench/lib/rtp-replayer.js';
import { ensureClip } from '../../../bench/lib/clip.js';
import type { SfuRequester } from '../../src/recording-session.js';

/** A signaling node's link to the SFU's internal API, for the test and for the recorder. */
export class TestSfuLink implements SfuRequester {
  private constructor(private readonly socket: Socket) {}

  static connect(url: string, secret: string): Promise<TestSfuLink> {
    const socket = io(url, { auth: { token: secret }, transports: ['websocket'], reconnection: false, forceNew: true });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new TestSfuLink(socket)));
      socket.once('connect_error', reject);
    });
  }

  async request<K extends SfuRequestName>(name: K, payload: SfuRequest<K>): Promise<SfuResponse<K>> {
    const ack = (await this.socket.timeout(10_000).emitWithAck(name, payload)) as { ok: true; data: SfuResponse<K> } | { ok: false; error: { code: string; message: string } };
    if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  }

  close(): void {
    this.socket.close();
  }
}

const parameters = (kind: 'audio' | 'video', ssrc: number): RtpParameters => ({
  codecs: [
    kind === 'video'
      ? { mimeType: 'video/VP8', payloadType: 96, clockRate: 90_000, parameters: {}, rtcpFeedback: [] }
      : { mimeType: 'audio/opus', payloadType: 111, clockRate: 48_000, channels: 2, parameters: {}, rtcpFeedback: [] },
  ],
  encodings: [{ ssrc }],
  headerExtensions: [],
  rtcp: { cname: `${kind}-${ssrc}`, reducedSize: true },
});

export function policy(version: number, speakers: string[], main: string): MediaPolicy {
  return { version, speakers: { mode: 'listed', userIds: speakers }, main: { userId: main, followActiveSpeaker: false }, floorHolderUserId: null, upcomingUserIds: [] };
}

/**
 * Endpoints that publish a camera and a microphone from a pre-encoded clip (VP8 key frame every
 * 8 frames, a 440 Hz tone), replayed over plain RTP into the SFU.
 */
export class SyntheticMeeting {
  private readonly stops: (() => void)[] = [];

  private constructor(private readonly sfu: TestSfuLink, readonly roomId: string, private readonly replayer: RtpReplayer) {}

  static async open(sfu: TestSfuLink, roomId: string, clipCache: string): Promise<SyntheticMeeting> {
    await sfu.request('room:open', { roomId });
    const clip = await captureClip(await ensureClip(clipCache));
    return new SyntheticMeeting(sfu, roomId, new RtpReplayer(clip));
  }

  async addEndpoint(userId: string, ssrcBase: number): Promise<void> {
    const scope = { roomId: this.roomId, peerId: `peer-${userId}` };
    await this.sfu.request('peer:open', { ...scope, userId });
    const video = await this.sfu.request('plain:createTransport', { ...scope, direction: 'send' });
    const audio = await this.sfu.request('plain:createTransport', { ...scope, direction: 'send' });
    await this.sfu.request('producer:create', { ...scope, transportId: video.id, kind: 'video', source: 'camera', paused: false, rtpParameters: parameters('video', ssrcBase) });
    await this.sfu.request('producer:create', { ...scope, transportId: audio.id, kind: 'audio', source: 'mic', paused: false, rtpParameters: parameters('audio', ssrcBase + 1) });
    this.stops.push(this.replayer.add(video.port, [ssrcBase], audio.port, ssrcBase + 1));
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.replayer.close();
  }
}
