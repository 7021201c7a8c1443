import type { types } from 'mediasoup';
import { receivesRtp } from './media-peer.js';
import type { RemoteProducerData } from './node-link.js';
import type { PublishedTrack } from './subscription-policy.js';

/**
 * The tracks a room receives over links from other SFU nodes (node-link.ts): published by peers of
 * those nodes, which this node's rooms knows only by id. They live on the home router (where the
 * links are), are offered to the room's peers like its own peers' tracks, and are not counted as
 * its peers' producers. A track closed by its origin, or with its link, leaves by itself.
 */
export class RemoteTracks {
  private readonly producers = new Map<string, types.Producer>();

  /** `onChange`: a track came or went; the room re-plans who receives what. */
  constructor(private readonly onChange: () => void) {}

  get size(): number {
    return this.producers.size;
  }

  add(producer: types.Producer): void {
    if (this.producers.has(producer.id)) return;
    this.producers.set(producer.id, producer);
    producer.observer.once('close', () => {
      this.producers.delete(producer.id);
      this.onChange();
    });
    this.onChange();
  }

  producer(producerId: string): types.Producer | undefined {
    return this.producers.get(producerId);
  }

  publishedTracks(): PublishedTrack[] {
    return [...this.producers.values()].map((producer) => {
      const data = producer.appData as RemoteProducerData;
      return {
        producerId: producer.id,
        peerId: data.peerId,
        userId: data.userId,
        kind: producer.kind,
        source: data.source,
        paused: producer.paused,
        activeSince: data.activeSince,
        live: receivesRtp(producer),
      };
    });
  }
}
