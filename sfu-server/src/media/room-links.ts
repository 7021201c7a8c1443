import type { types } from 'mediasoup';
import { RequestError, type LinkSummary, type LinkTrack, type LinkTrackState } from '@ehop/protocol';
import { NodeLink, type LinkEndpoint } from './node-link.js';

export interface RoomLinksContext {
  /** The room's home router: the links live there (as the feed and the recorder's taps do). */
  home: types.Router;
  listenIp: types.TransportListenIp;
  /** A producer of the room (a local peer's, the feed's, or one received over another link), made consumable on the home router; undefined: no such producer. */
  producerAtHome: (producerId: string) => Promise<types.Producer | undefined>;
  /** A track arrived over a link: the room offers it to its peers. */
  onReceived: (producer: types.Producer) => void;
  /** A track received over a link was paused or resumed by its origin: the room re-plans. */
  onReceivedChanged: () => void;
  /** A track this node sends was paused, resumed or closed: signaling relays it to the far node. */
  onTrackState: (linkId: string, producerId: string, state: LinkTrackState) => void;
  /** The layers a far node wants of a camera changed: the room's cameras are told again what to send. */
  onWantedLayers: () => void;
}

/** A room's links to the other SFU nodes carrying its meeting, by link id (see node-link.ts). */
export class RoomLinks {
  /** A promise, so that two `link:open` of one link at once share one transport. */
  private readonly links = new Map<string, Promise<NodeLink>>();

  constructor(private readonly context: RoomLinksContext) {}

  /** Idempotent per link id: answers this end's address and SRTP key. */
  async open(linkId: string): Promise<LinkEndpoint> {
    let opening = this.links.get(linkId);
    if (!opening) {
      opening = NodeLink.open(this.context.home, linkId, {
        listenIp: this.context.listenIp,
        onTrackState: (producerId, state) => this.context.onTrackState(linkId, producerId, state),
      });
      // A failed attempt is not remembered: the next `link:open` tries again.
      opening.catch(() => this.links.delete(linkId));
      this.links.set(linkId, opening);
    }
    return (await opening).endpoint;
  }

  async connect(linkId: string, remote: LinkEndpoint): Promise<void> {
    await (await this.link(linkId)).connect(remote);
  }

  async send(linkId: string, producerId: string): Promise<LinkTrack> {
    const link = await this.link(linkId);
    const producer = await this.context.producerAtHome(producerId);
    if (!producer || producer.closed) throw new RequestError('not_found', `producer ${producerId} is not in this room`);
    return link.send(producer);
  }

  async receive(linkId: string, producerId: string, track: LinkTrack): Promise<void> {
    const producer = await (await this.link(linkId)).receive(producerId, track);
    this.context.onReceived(producer);
  }

  /** The far node's receivers want at most `maxSpatialLayer` of a camera this node sends it. */
  async setWantedLayer(linkId: string, producerId: string, maxSpatialLayer: number): Promise<void> {
    const link = await this.link(linkId);
    if (!link.setWantedLayer(producerId, maxSpatialLayer)) throw new RequestError('not_found', `link ${linkId} does not send ${producerId}`);
    this.context.onWantedLayers();
  }

  async setTrackState(linkId: string, producerId: string, state: LinkTrackState): Promise<void> {
    await (await this.link(linkId)).setTrackState(producerId, state);
    if (state !== 'closed') this.context.onReceivedChanged();
  }

  /** Every open link of the room, with the tracks it sends and receives (`room:links`). */
  async summaries(): Promise<LinkSummary[]> {
    const links = await Promise.all([...this.links.values()].map((opening) => opening.catch(() => undefined)));
    return Promise.all(links.filter((link): link is NodeLink => link !== undefined && !link.closed).map((link) => link.summary()));
  }

  /** Idempotent. */
  async close(linkId: string): Promise<void> {
    const opening = this.links.get(linkId);
    this.links.delete(linkId);
    (await opening?.catch(() => undefined))?.close();
  }

  private async link(linkId: string): Promise<NodeLink> {
    const link = await this.links.get(linkId);
    if (!link || link.closed) throw new RequestError('not_found', `link ${linkId} is not open`);
    return link;
  }
}
