import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { describe, expect, it, vi } from 'vitest';
import { RemoteTracks } from '../src/media/remote-tracks.js';
import type { RemoteProducerData } from '../src/media/node-link.js';

/** What RemoteTracks reads of a producer received over a link. */
function remoteProducer(id: string, data: Partial<RemoteProducerData> = {}) {
  return {
    id,
    kind: 'video',
    paused: false,
    score: [{ score: 10 }],
    observer: new EventEmitter(),
    appData: { peerId: 'far-peer', userId: 'far-user', source: 'camera', activeSince: 5, linkId: 'a-b', ...data },
  };
}

describe('RemoteTracks', () => {
  it('offers a track received over a link as its origin peer\'s, and forgets it when it closes', () => {
    const onChange = vi.fn();
    const tracks = new RemoteTracks(onChange);
    const producer = remoteProducer('cam-1');
    tracks.add(producer as unknown as types.Producer);
    tracks.add(producer as unknown as types.Producer);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(tracks.publishedTracks()).toEqual([
      { producerId: 'cam-1', peerId: 'far-peer', userId: 'far-user', kind: 'video', source: 'camera', paused: false, activeSince: 5, live: true },
    ]);
    expect(tracks.producer('cam-1')).toBe(producer);

    producer.observer.emit('close');
    expect(onChange).toHaveBeenCalledTimes(2);
    expect(tracks.publishedTracks()).toEqual([]);
    expect(tracks.producer('cam-1')).toBeUndefined();
  });
});
