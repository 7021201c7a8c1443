import type { types } from 'mediasoup';
import type { RecorderCodec, RecorderSource, SfuResponse } from '@ehop/protocol';
import type { Logger } from '../logger.js';
import type { PublishedTrack } from './subscription-policy.js';

export interface RecorderDestination {
  ip: string;
  port: number;
  rtcpPort: number;
}

/** What the recorder can store with `-c copy` into Matroska: Opus and VP8 (an H264-only camera is not recorded). */
const RECORDABLE = new Set(['audio/opus', 'video/vp8']);

/**
 * A recording's view of a room: one plain RTP transport per kind, sending to the recorder's relay
 * on `127.0.0.1` (or the configured recorder address), with one consumer per followed track. The
 * relay demultiplexes by SSRC and stitches the sources into one continuous stream per kind.
 */
export class RecorderTap {
  private readonly consumers = new Map<string, types.Consumer>();
  private videoProducerId: string | null = null;
  private previousVideoProducerId: string | null = null;

  private constructor(
    readonly id: string,
    private readonly video: types.PlainTransport,
    private readonly audio: types.PlainTransport,
    private readonly capabilities: types.RtpCapabilities,
    private readonly log: Logger,
  ) {}

  static async open(
    id: string,
    router: types.Router,
    listenIp: types.TransportListenIp,
    destinations: { video: RecorderDestination; audio: RecorderDestination },
    log: Logger,
  ): Promise<RecorderTap> {
    const create = async (destination: RecorderDestination) => {
      const transport = await router.createPlainTransport({ listenIp, rtcpMux: false, comedia: false, appData: { recorder: id } });
      await transport.connect({ ip: destination.ip, port: destination.port, rtcpPort: destination.rtcpPort });
      return transport;
    };
    const video = await create(destinations.video);
    const audio = await create(destinations.audio).catch((error: unknown) => {
      video.close();
      throw error;
    });
    const codecs = (router.rtpCapabilities.codecs ?? []).filter((codec) => RECORDABLE.has(codec.mimeType.toLowerCase()));
    return new RecorderTap(id, video, audio, { codecs, headerExtensions: [] }, log);
  }

  codecs(): SfuResponse<'recorder:open'> {
    const pick = (kind: 'audio' | 'video'): RecorderCodec => {
      const codec = this.capabilities.codecs!.find((candidate) => candidate.kind === kind)!;
      return { mimeType: codec.mimeType, payloadType: codec.preferredPayloadType!, clockRate: codec.clockRate, ...(codec.channels ? { channels: codec.channels } : {}) };
    };
    return { video: pick('video'), audio: pick('audio') };
  }

  /**
   * Consumes the wanted tracks; pauses the ones no longer wanted, except the previous video source,
   * which the relay keeps recording until the new one sends a key frame.
   */
  async follow(tracks: readonly PublishedTrack[], videoUserId: string | null, audioUserIds: readonly string[]): Promise<SfuResponse<'recorder:follow'>> {
    const camera = videoUserId === null ? undefined : tracks.find((track) => track.userId === videoUserId && track.source === 'camera');
    if (camera && camera.producerId !== this.videoProducerId) {
      this.previousVideoProducerId = this.videoProducerId;
      this.videoProducerId = camera.producerId;
    }
    const mics = audioUserIds.flatMap((userId) => tracks.filter((track) => track.userId === userId && track.source === 'mic'));
    const wanted = new Set([...mics.map((track) => track.producerId), ...[this.videoProducerId, this.previousVideoProducerId].filter((id): id is string => id !== null)]);

    for (const [producerId, consumer] of this.consumers) {
      if (consumer.closed) this.consumers.delete(producerId);
      else if (!wanted.has(producerId) && !consumer.paused) await consumer.pause();
    }
    const video = camera ? await this.source(camera, this.video, true) : null;
    const audio: RecorderSource[] = [];
    for (const mic of mics) {
      const source = await this.source(mic, this.audio, false);
      if (source) audio.push(source);
    }
    // The previous camera keeps flowing (the relay cuts over at the new one's key frame).
    const previous = this.previousVideoProducerId ? this.consumers.get(this.previousVideoProducerId) : undefined;
    if (previous?.paused) await previous.resume();
    return { video, audio };
  }

  async requestKeyFrame(): Promise<void> {
    const consumer = this.videoProducerId ? this.consumers.get(this.videoProducerId) : undefined;
    if (consumer && !consumer.closed) await consumer.requestKeyFrame();
  }

  close(): void {
    this.video.close();
    this.audio.close();
    this.consumers.clear();
  }

  get closed(): boolean {
    return this.video.closed;
  }

  private async source(track: PublishedTrack, transport: types.PlainTransport, isVideo: boolean): Promise<RecorderSource | null> {
    let consumer = this.consumers.get(track.producerId);
    const created = !consumer || consumer.closed;
    if (created) {
      try {
        consumer = await transport.consume({ producerId: track.producerId, rtpCapabilities: this.capabilities, paused: true });
      } catch (error) {
        this.log.warn({ err: error, producerId: track.producerId }, 'recorder cannot consume this track');
        return null;
      }
      this.consumers.set(track.producerId, consumer);
      consumer.on('producerclose', () => this.consumers.delete(track.producerId));
    }
    if (consumer!.paused) await consumer!.resume();
    if (isVideo && created) await consumer!.requestKeyFrame();
    const ssrc = consumer!.rtpParameters.encodings?.[0]?.ssrc ?? 0;
    return { ssrc, userId: track.userId, peerId: track.peerId, producerId: track.producerId };
  }
}
