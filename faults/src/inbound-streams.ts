import type { types as ms } from 'mediasoup-client';
import { MAIN_FEED_PEER_ID, type ConsumerOptions, type PeerInfo } from '@ehop/protocol';
import { mapInboundStats } from '../../client/src/lib/media/inbound-stats.js';

/** Bytes received so far per stream, by label (see streamLabel). */
export type StreamBytes = Map<string, number>;

/**
 * A name for a received stream that stays the same when its sender or the receiver rejoins with
 * a new peer: `feed:video` / `feed:audio` for the main-screen feed, `<userId>:<source>` otherwise.
 */
export function streamLabel(options: ConsumerOptions, roster: ReadonlyMap<string, PeerInfo>): string {
  if (options.feed === 'main' || options.peerId === MAIN_FEED_PEER_ID) return `feed:${options.kind}`;
  return `${roster.get(options.peerId)?.userId ?? options.peerId}:${options.source}`;
}

/** The receive transport's counters (mediasoup-client cannot read a single consumer's in Node), per stream label. */
export async function readInboundBytes(transport: ms.Transport, consumers: readonly { consumer: ms.Consumer; label: string }[]): Promise<StreamBytes> {
  const byId = new Map(consumers.map(({ consumer, label }) => [consumer.id, label]));
  const identities = consumers.map(({ consumer }) => ({
    consumerId: consumer.id,
    peerId: consumer.id,
    kind: consumer.kind,
    trackId: consumer.track.id,
    mid: consumer.rtpParameters.mid,
  }));
  const report = await transport.getStats();
  const bytes: StreamBytes = new Map();
  for (const stat of mapInboundStats(report.values(), identities)) {
    const label = byId.get(stat.consumerId)!;
    bytes.set(label, (bytes.get(label) ?? 0) + stat.bytesReceived);
  }
  return bytes;
}
