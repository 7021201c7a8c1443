import type wrtc from '@roamhq/wrtc';

/**
 * A small client of Janus's HTTP API (REST + long poll) and its VideoRoom plugin, for Node WebRTC
 * peers (@roamhq/wrtc): what janus.js does in a browser, without trickle (the SDP carries the
 * candidates, as wrtc gathers host candidates in a few ms on loopback).
 */

type Json = Record<string, unknown>;
interface JanusMessage extends Json {
  janus: string;
  transaction?: string;
  sender?: number;
  plugindata?: { plugin: string; data: Json };
  jsep?: { type: RTCSdpType; sdp: string };
  error?: { code: number; reason: string };
}

const REQUEST_TIMEOUT_MS = 20_000;
let transactions = 0;
const transaction = () => `t${++transactions}-${Math.random().toString(36).slice(2, 8)}`;

async function post(url: string, body: Json): Promise<JanusMessage> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const message = (await response.json()) as JanusMessage;
  if (message.janus === 'error') throw new Error(`janus ${String(body['janus'])}: ${message.error?.code} ${message.error?.reason}`);
  return message;
}

/** One Janus session (as one browser tab has): a long-poll loop delivering events to its handles' transactions. */
export class JanusSession {
  private closed = false;
  private readonly pending = new Map<string, { resolve: (message: JanusMessage) => void; reject: (error: Error) => void }>();
  /** Events nobody waits for (webrtcup, media, slowlink, ...), per handle. */
  readonly events: { handle: number; message: JanusMessage; at: number }[] = [];
  private readonly polling: Promise<void>;

  private constructor(
    readonly url: string,
    readonly id: number,
  ) {
    this.polling = this.poll();
  }

  static async create(url: string): Promise<JanusSession> {
    const created = await post(url, { janus: 'create', transaction: transaction() });
    return new JanusSession(url, (created['data'] as { id: number }).id);
  }

  async attach(): Promise<VideoRoomHandle> {
    const attached = await post(`${this.url}/${this.id}`, { janus: 'attach', plugin: 'janus.plugin.videoroom', transaction: transaction() });
    return new VideoRoomHandle(this, (attached['data'] as { id: number }).id);
  }

  /**
   * A plugin message; resolves with the plugin's answer: the synchronous one, or (after `ack`) the
   * asynchronous event of the same transaction from the long poll.
   */
  async message(handle: number, body: Json, jsep?: RTCSessionDescriptionInit): Promise<JanusMessage> {
    const id = transaction();
    const later = new Promise<JanusMessage>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      setTimeout(() => {
        if (this.pending.delete(id)) reject(new Error(`janus ${String(body['request'])}: no event within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
    });
    later.catch(() => undefined);
    const answer = await post(`${this.url}/${this.id}/${handle}`, { janus: 'message', transaction: id, body, ...(jsep ? { jsep } : {}) });
    if (answer.janus === 'ack') return checkPlugin(await later, body);
    this.pending.delete(id);
    return checkPlugin(answer, body);
  }

  private async poll(): Promise<void> {
    while (!this.closed) {
      try {
        const response = await fetch(`${this.url}/${this.id}?maxev=20&rid=${Date.now()}`);
        const body = (await response.json()) as JanusMessage | JanusMessage[];
        for (const message of Array.isArray(body) ? body : [body]) {
          if (message.janus === 'keepalive') continue;
          const waiting = message.transaction ? this.pending.get(message.transaction) : undefined;
          if (waiting && message.janus === 'event') {
            this.pending.delete(message.transaction!);
            waiting.resolve(message);
          } else {
            this.events.push({ handle: message.sender ?? 0, message, at: performance.now() });
          }
        }
      } catch (error) {
        if (this.closed) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
        void error;
      }
    }
  }

  async destroy(): Promise<void> {
    this.closed = true;
    await post(`${this.url}/${this.id}`, { janus: 'destroy', transaction: transaction() }).catch(() => undefined);
    await Promise.race([this.polling, new Promise((resolve) => setTimeout(resolve, 1_000))]);
    for (const { reject } of this.pending.values()) reject(new Error('session destroyed'));
    this.pending.clear();
  }
}

function checkPlugin(message: JanusMessage, body: Json): JanusMessage {
  const data = message.plugindata?.data;
  if (data && (data['error'] || data['videoroom'] === 'event' && data['error_code'])) {
    throw new Error(`videoroom ${String(body['request'])}: ${String(data['error_code'])} ${String(data['error'])}`);
  }
  return message;
}

export class VideoRoomHandle {
  constructor(
    readonly session: JanusSession,
    readonly id: number,
  ) {}

  request(body: Json, jsep?: RTCSessionDescriptionInit): Promise<JanusMessage> {
    return this.session.message(this.id, body, jsep);
  }

  /** The plugin's data of an answer. */
  async data(body: Json, jsep?: RTCSessionDescriptionInit): Promise<Json> {
    return (await this.request(body, jsep)).plugindata?.data ?? {};
  }
}

/** Waits until the peer connection has gathered its candidates (or 2 s), then returns its description. */
async function gathered(pc: RTCPeerConnection): Promise<RTCSessionDescriptionInit> {
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2_000);
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }
  const { type, sdp } = pc.localDescription!;
  return { type, sdp };
}

export interface PublisherStreams {
  feed: number;
  /** The publisher's mids, by kind. */
  mids: { audio: string; video: string };
}

/** A VideoRoom publisher: camera + microphone sent over one peer connection. */
export class JanusPublisher {
  private constructor(
    readonly session: JanusSession,
    readonly handle: VideoRoomHandle,
    readonly pc: RTCPeerConnection,
    readonly streams: PublisherStreams,
    readonly microphone: MediaStreamTrack,
  ) {}

  static async join(rtc: typeof wrtc, url: string, room: number, feed: number, display: string, tracks: { camera: MediaStreamTrack; microphone: MediaStreamTrack }): Promise<JanusPublisher> {
    const session = await JanusSession.create(url);
    const handle = await session.attach();
    const pc = new rtc.RTCPeerConnection({ iceServers: [] }) as unknown as RTCPeerConnection;
    pc.addTransceiver(tracks.microphone, { direction: 'sendonly' });
    pc.addTransceiver(tracks.camera, { direction: 'sendonly' });
    await pc.setLocalDescription(await pc.createOffer());
    const offer = await gathered(pc);
    const answer = await handle.request({ request: 'joinandconfigure', room, ptype: 'publisher', id: feed, display, audio: true, video: true }, offer);
    if (!answer.jsep) throw new Error(`no answer from janus for publisher ${display}`);
    await pc.setRemoteDescription(answer.jsep);
    const mids = { audio: '', video: '' };
    for (const transceiver of pc.getTransceivers()) mids[transceiver.sender.track!.kind as 'audio' | 'video'] = transceiver.mid!;
    return new JanusPublisher(session, handle, pc, { feed, mids }, tracks.microphone);
  }

  /**
   * Mutes or unmutes the microphone as eHọp's client does (mediasoup-client's pause disables the
   * track, media:pauseProducer stops the SFU forwarding it): the track, and Janus's relaying of
   * the stream (`configure` with the audio mid's `send`).
   */
  async setMicrophone(open: boolean): Promise<void> {
    this.microphone.enabled = open;
    await this.handle.request({ request: 'configure', streams: [{ mid: this.streams.mids.audio, send: open }] });
  }

  async close(): Promise<void> {
    this.pc.close();
    await this.session.destroy();
  }
}

/**
 * A VideoRoom subscriber to one publisher's audio and video (the speaker), and optionally to a
 * second publisher's audio (the chair, always heard); `switchTo` moves the speaker's two streams
 * to another feed, `setSpeakerStreams` pauses or resumes them.
 */
export class JanusSubscriber {
  /** Subscription mids (Janus's offer) of the speaker's streams, by kind. */
  private readonly subMids = { audio: '', video: '' };

  private constructor(
    readonly session: JanusSession,
    readonly handle: VideoRoomHandle,
    readonly pc: RTCPeerConnection,
  ) {}

  /** The video track it receives (the one the switch moves). */
  get videoTrack(): MediaStreamTrack {
    return this.pc.getTransceivers().find((transceiver) => transceiver.mid === this.subMids.video)!.receiver.track;
  }

  static async join(
    rtc: typeof wrtc,
    url: string,
    room: number,
    publisher: PublisherStreams,
    options: { session?: JanusSession; alsoAudioOf?: PublisherStreams } = {},
  ): Promise<JanusSubscriber> {
    const session = options.session ?? (await JanusSession.create(url));
    const handle = await session.attach();
    const streams = [
      { feed: publisher.feed, mid: publisher.mids.audio },
      { feed: publisher.feed, mid: publisher.mids.video },
      ...(options.alsoAudioOf ? [{ feed: options.alsoAudioOf.feed, mid: options.alsoAudioOf.mids.audio }] : []),
    ];
    const attached = await handle.request({ request: 'join', room, ptype: 'subscriber', streams });
    if (!attached.jsep) throw new Error('no offer from janus for a subscriber');
    const pc = new rtc.RTCPeerConnection({ iceServers: [] }) as unknown as RTCPeerConnection;
    const subscriber = new JanusSubscriber(session, handle, pc);
    for (const stream of (attached.plugindata?.data['streams'] as { type: string; mid: string; feed_id: number }[]) ?? []) {
      if ((stream.type === 'audio' || stream.type === 'video') && stream.feed_id === publisher.feed && !subscriber.subMids[stream.type]) {
        subscriber.subMids[stream.type] = stream.mid;
      }
    }
    await pc.setRemoteDescription(attached.jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    await handle.request({ request: 'start' }, await gathered(pc));
    return subscriber;
  }

  /** Janus 1.1 multistream `switch`: the speaker's two subscription streams now carry `publisher`'s (no renegotiation). */
  async switchTo(publisher: PublisherStreams): Promise<void> {
    await this.handle.request({
      request: 'switch',
      streams: [
        { feed: publisher.feed, mid: publisher.mids.audio, sub_mid: this.subMids.audio },
        { feed: publisher.feed, mid: publisher.mids.video, sub_mid: this.subMids.video },
      ],
    });
  }

  /** Stops or restarts Janus sending the speaker's two streams (`configure` with per-stream `send`). */
  async setSpeakerStreams(send: boolean): Promise<void> {
    await this.handle.request({
      request: 'configure',
      streams: [
        { mid: this.subMids.audio, send },
        { mid: this.subMids.video, send },
      ],
    });
  }

  async close(destroySession = true): Promise<void> {
    this.pc.close();
    if (destroySession) await this.session.destroy();
  }
}
