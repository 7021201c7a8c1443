import type { types } from 'mediasoup';
import { MAIN_FEED_PEER_ID, type MainFeedSource } from '@ehop/protocol';
import { asksForKeyFrame, startsVp8KeyFrame } from '@ehop/rtp';
import type { Logger } from '../logger.js';
import { FeedLane, type FeedSource } from './feed-lane.js';
import type { KeyFrameGate } from './key-frame-gate.js';
import { KeyFrameThrottle } from './key-frame-throttle.js';
import type { ProducerData } from './media-peer.js';

export type { FeedSource } from './feed-lane.js';

/*
 * The main screen as one stream. Every receiver consumes the feed's two producers once: the
 * picture of whoever the main screen shows, and the floor holder's voice. What they carry is
 * switched here, in the SFU process: the sources are consumed on a direct transport (their packets
 * come through the worker's channel, which loses nothing, unlike a UDP hop on a busy machine), and
 * the current ones go back into the feed's producers, rewritten into continuous streams (one SSRC,
 * sequence numbers and timestamps without a jump). A new speaker's picture takes over at their
 * first key frame.
 *
 * So changing the speaker costs the worker a handful of requests, whatever the number of
 * receivers; before, it cost two consumer changes per receiver (hundreds at 120 endpoints), and
 * every prepared speaker cost two consumers per receiver too.
 */

/** What the feed should carry now, and the next speakers' tracks to keep ready. */
export interface FeedTarget {
  camera: FeedSource | null;
  microphone: FeedSource | null;
  upcoming: readonly FeedSource[];
}

/** What the room hears of the feed's cut-overs. */
export interface FeedListeners {
  /** The picture now shows this person (announced to the meeting). */
  picture: (carrying: MainFeedSource) => void;
  /** The voice now carries this source's user (null: nobody). */
  voice: (source: FeedSource | null) => void;
}

/** The feed's SSRCs never leave the SFU: receivers see their own consumer's. */
const FEED_SSRC = { video: 0x6d61696e, audio: 0x766f6963 } as const;
/** A receiver asking again and again for a key frame must not flood the speaker's encoder (held requests are sent together). */
const KEY_FRAME_REQUEST_INTERVAL_MS = 300;

export class MainFeed {
  private carrying: MainFeedSource = { peerId: null, userId: null, since: Date.now() };
  private target: FeedTarget = { camera: null, microphone: null, upcoming: [] };
  private applying: Promise<void> | null = null;
  private readonly keyFrameRequests: KeyFrameThrottle;
  private closed = false;
  private readonly lanes: { video: FeedLane; audio: FeedLane };

  private constructor(
    private readonly transport: types.DirectTransport,
    readonly producers: { video: types.Producer; audio: types.Producer },
    capabilities: types.RtpCapabilities,
    private readonly listeners: FeedListeners,
    private readonly log: Logger,
    keyFrames: KeyFrameGate | undefined,
  ) {
    const lane = (kind: types.MediaKind, onCutOver: (source: FeedSource | null) => void, startsPicture?: (packet: Uint8Array) => boolean) =>
      new FeedLane({ kind, producer: producers[kind], transport, capabilities, onCutOver, log, ...(startsPicture ? { startsPicture } : {}), ...(keyFrames ? { keyFrames } : {}) });
    this.lanes = {
      video: lane('video', (source) => this.pictureCutOver(source), startsVp8KeyFrame),
      audio: lane('audio', (source) => this.voiceCutOver(source)),
    };
    // The feed's producers ask for key frames (a receiver lost the picture, or just joined).
    this.keyFrameRequests = new KeyFrameThrottle(KEY_FRAME_REQUEST_INTERVAL_MS, () => this.lanes.video.requestKeyFrame());
    transport.on('rtcp', (packet: Buffer) => {
      if (asksForKeyFrame(packet)) this.keyFrameRequests.request();
    });
  }

  /** Null when the router lacks VP8 or Opus (nothing to switch); the room then sends tracks directly. */
  static async open(router: types.Router, log: Logger, listeners: FeedListeners, keyFrames?: KeyFrameGate): Promise<MainFeed | null> {
    const codecOf = (mimeType: string) => router.rtpCapabilities.codecs?.find((codec) => codec.mimeType.toLowerCase() === mimeType);
    const [vp8, opus] = [codecOf('video/vp8'), codecOf('audio/opus')];
    if (!vp8?.preferredPayloadType || !opus?.preferredPayloadType) return null;
    const transport = await router.createDirectTransport({ maxMessageSize: 262_144, appData: { feed: 'main' } });
    try {
      const produce = (codec: types.RtpCodecCapability, kind: types.MediaKind) => {
        const appData: ProducerData = { peerId: MAIN_FEED_PEER_ID, userId: MAIN_FEED_PEER_ID, source: kind === 'video' ? 'camera' : 'mic', activeSince: 0, feed: 'main' };
        return transport.produce({
          kind,
          rtpParameters: {
            // The sources are consumed with the same payload type, so packets keep theirs.
            codecs: [{ mimeType: codec.mimeType, payloadType: codec.preferredPayloadType!, clockRate: codec.clockRate, ...(codec.channels ? { channels: codec.channels } : {}), rtcpFeedback: codec.rtcpFeedback ?? [] }],
            encodings: [{ ssrc: FEED_SSRC[kind] }],
            rtcp: { cname: MAIN_FEED_PEER_ID, reducedSize: true },
          },
          appData,
        });
      };
      const producers = { video: await produce(vp8, 'video'), audio: await produce(opus, 'audio') };
      const capabilities: types.RtpCapabilities = { codecs: [{ ...vp8, rtcpFeedback: [] }, { ...opus, rtcpFeedback: [] }], headerExtensions: [] };
      return new MainFeed(transport, producers, capabilities, listeners, log, keyFrames);
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  /** Whose picture the feed carries now, since when. */
  get source(): MainFeedSource {
    return this.carrying;
  }

  /** The users whose picture and whose voice go out in the feed now. */
  get carriedUsers(): Record<types.MediaKind, string | null> {
    return { video: this.lanes.video.carrying?.userId ?? null, audio: this.lanes.audio.carrying?.userId ?? null };
  }

  /** The latest call wins; one lane's requests to the worker never overlap. */
  show(target: FeedTarget): Promise<void> {
    this.target = target;
    return this.settle();
  }

  close(): void {
    this.closed = true;
    this.keyFrameRequests.cancel();
    this.transport.close();
  }

  /** Applies the latest target, again if it changed meanwhile (or a cut-over left a source to let go). */
  private settle(): Promise<void> {
    this.applying ??= this.applyUntilSettled().finally(() => (this.applying = null));
    return this.applying;
  }

  private async applyUntilSettled(): Promise<void> {
    let applied: FeedTarget | null = null;
    while (!this.closed && applied !== this.target) {
      applied = this.target;
      const { camera, microphone, upcoming } = applied;
      try {
        // The picture and the voice switch together: the voice must not wait for the picture's
        // key frame request to come back (on a busy machine that is a few hundred ms).
        await Promise.all([this.lanes.video.show(camera), this.lanes.audio.show(microphone)]);
        for (const lane of [this.lanes.video, this.lanes.audio]) {
          await lane.prepareOnly(upcoming.filter((source) => source.kind === lane.kind));
        }
      } catch (error) {
        if (!this.closed) this.log.warn({ err: error }, 'main-screen feed could not switch its sources');
      }
    }
  }

  private pictureCutOver(source: FeedSource | null): void {
    this.carrying = { peerId: source?.peerId ?? null, userId: source?.userId ?? null, since: Date.now() };
    this.listeners.picture(this.carrying);
    this.letGoOfPrevious();
  }

  private voiceCutOver(source: FeedSource | null): void {
    this.listeners.voice(source);
    this.letGoOfPrevious();
  }

  /** After a cut-over the previous source is no longer needed running: apply the same target again. */
  private letGoOfPrevious(): void {
    this.target = { ...this.target };
    void this.settle();
  }

}
