import type { types } from 'mediasoup';
import { RequestError, type LinkSummary, type LinkTrack, type LinkTrackState, type RtpParameters, type SrtpParameters } from '@ehop/protocol';
import { asCallerMistake } from './mediasoup-errors.js';
import type { ProducerData } from './media-peer.js';
import type { LinkTransportData } from './pipe-transports.js';
import type { LinkConsumerData } from './send-layers.js';

/*
 * One end of a link between two SFU nodes carrying the same meeting: a PipeTransport on the room's
 * home router, SRTP on the wire (the link crosses a district's network), RTX and NACK on (a lost
 * packet is asked for again instead of breaking a picture until the next key frame).
 *
 * What mediasoup's pipeToRouter wires between the two ends inside one process is wired here by
 * signaling: a track the origin pauses, resumes or closes is reported (`onTrackState`, from the pipe
 * consumer's producerpause/producerresume/producerclose) and applied on the far end by `setTrackState`;
 * the simulcast layers the far end's receivers want come back the other way (`setWantedLayer`).
 * A receiver's key frame request needs nothing of us: the far pipe producer sends it as RTCP over
 * the link, and the origin's pipe consumer passes it on to the camera.
 */

/** Where a link end listens and how it encrypts: the `link:open` answer, and what `link:connect` takes. */
export interface LinkEndpoint {
  ip: string;
  port: number;
  srtpParameters: SrtpParameters;
}

/** appData of a track received over a link: a remote peer's producer, and the link it came by. */
export type RemoteProducerData = ProducerData & { linkId: string };

export interface NodeLinkOptions {
  listenIp: types.TransportListenIp;
  /** The origin paused, resumed or closed a track this end sends: signaling tells the far end. */
  onTrackState: (producerId: string, state: LinkTrackState) => void;
}

export class NodeLink {
  /** Tracks sent over the link, by producer id: each once (concurrent callers share one consumer). */
  private readonly sent = new Map<string, Promise<LinkTrack>>();
  /** Their consumers, by producer id. */
  private readonly senders = new Map<string, types.Consumer>();
  /** Tracks received over the link, by producer id. */
  private readonly received = new Map<string, Promise<types.Producer>>();
  private connected = false;

  private constructor(
    readonly id: string,
    private readonly transport: types.PipeTransport,
    private readonly options: NodeLinkOptions,
  ) {}

  static async open(router: types.Router, linkId: string, options: NodeLinkOptions): Promise<NodeLink> {
    const appData: LinkTransportData = { link: linkId };
    const transport = await router.createPipeTransport({ listenIp: options.listenIp, enableSrtp: true, enableRtx: true, appData });
    return new NodeLink(linkId, transport, options);
  }

  get closed(): boolean {
    return this.transport.closed;
  }

  /** This end's address (the announced one if set) and SRTP key, for the far end's `link:connect`. */
  get endpoint(): LinkEndpoint {
    const { tuple, srtpParameters } = this.transport;
    if (!srtpParameters) throw new Error(`link ${this.id} was opened without SRTP`);
    return { ip: tuple.localIp, port: tuple.localPort, srtpParameters };
  }

  /** The far end's address and key; once (a second connect is `conflict`, as for a WebRTC transport). */
  async connect(remote: LinkEndpoint): Promise<void> {
    if (this.connected) throw new RequestError('conflict', `link ${this.id} is already connected`);
    this.connected = true;
    await this.transport.connect(remote).catch((error: unknown) => {
      this.connected = false;
      asCallerMistake(error);
    });
  }

  /**
   * Sends `producer` (consumable on this router) over the link, once; answers what the far end
   * needs to recreate it. Its publisher is named by the producer's appData.
   */
  send(producer: types.Producer): Promise<LinkTrack> {
    let sending = this.sent.get(producer.id);
    if (!sending) {
      sending = this.consume(producer);
      // A failed attempt is not remembered: the producer may have been on its way to this router.
      sending.catch(() => this.sent.delete(producer.id));
      this.sent.set(producer.id, sending);
    }
    return sending;
  }

  /** The track `send` answered on the other node arrives here: produced once, with the same id. */
  receive(producerId: string, track: LinkTrack): Promise<types.Producer> {
    let receiving = this.received.get(producerId);
    if (!receiving) {
      receiving = this.produce(producerId, track);
      receiving.then(
        (producer) => producer.observer.once('close', () => this.received.delete(producerId)),
        () => this.received.delete(producerId),
      );
      this.received.set(producerId, receiving);
    }
    return receiving;
  }

  /**
   * The far node's receivers want at most `maxSpatialLayer` of this camera (relayed by signaling):
   * recorded on the link's consumer, where send-layers.ts reads it. False: not sent over this link.
   */
  setWantedLayer(producerId: string, maxSpatialLayer: number): boolean {
    const consumer = this.senders.get(producerId);
    if (!consumer) return false;
    (consumer.appData as LinkConsumerData).wantedSpatialLayer = maxSpatialLayer;
    return true;
  }

  /** What the origin did to a track this end receives (relayed by signaling). */
  async setTrackState(producerId: string, state: LinkTrackState): Promise<void> {
    const receiving = this.received.get(producerId);
    if (!receiving) throw new RequestError('not_found', `link ${this.id} does not receive ${producerId}`);
    const producer = await receiving;
    if (state === 'closed') producer.close();
    else if (state === 'paused') await producer.pause();
    else {
      // As for a local microphone: with too many open ones, the latest talkers win.
      if (producer.paused) (producer.appData as RemoteProducerData).activeSince = Date.now();
      await producer.resume();
    }
  }

  /** The tracks this end sends and receives now (`room:links`). */
  async summary(): Promise<LinkSummary> {
    const sent = [...this.senders.entries()].map(([producerId, consumer]) => ({ producerId, kind: consumer.kind, paused: consumer.producerPaused }));
    const settled = await Promise.all([...this.received.values()].map((receiving) => receiving.catch(() => undefined)));
    const received = settled.filter((producer) => producer !== undefined && !producer.closed).map((producer) => ({ producerId: producer!.id, kind: producer!.kind, paused: producer!.paused }));
    return { linkId: this.id, sent, received };
  }

  /** Closes this end: what it received closes with it (the far node's receivers hear it). */
  close(): void {
    this.transport.close();
  }

  private async consume(producer: types.Producer): Promise<LinkTrack> {
    const consumer = await this.transport.consume({ producerId: producer.id, appData: { link: this.id } }).catch(asCallerMistake);
    const report = (state: LinkTrackState) => () => this.options.onTrackState(producer.id, state);
    consumer.on('producerpause', report('paused'));
    consumer.on('producerresume', report('resumed'));
    consumer.on('producerclose', report('closed'));
    this.senders.set(producer.id, consumer);
    consumer.observer.once('close', () => {
      this.sent.delete(producer.id);
      this.senders.delete(producer.id);
    });
    const { peerId, userId, source } = producer.appData as ProducerData;
    return { kind: consumer.kind, rtpParameters: consumer.rtpParameters as RtpParameters, paused: consumer.producerPaused, source, peerId, userId };
  }

  private async produce(producerId: string, track: LinkTrack): Promise<types.Producer> {
    const appData: RemoteProducerData = { peerId: track.peerId, userId: track.userId, source: track.source, activeSince: Date.now(), linkId: this.id };
    return this.transport
      .produce({
        id: producerId,
        kind: track.kind,
        rtpParameters: structuredClone(track.rtpParameters) as types.RtpParameters,
        paused: track.paused,
        appData,
      })
      .catch((error: unknown) => {
        // The room has it already, from this node's own peer or from another link: a loop in the links.
        if (error instanceof Error && /already exists/.test(error.message)) throw new RequestError('conflict', `room already has producer ${producerId}`);
        return asCallerMistake(error);
      });
  }
}
