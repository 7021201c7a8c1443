import { describe, expect, it } from 'vitest';
import { mapInboundStats, type ConsumerIdentity } from '../src/lib/media/inbound-stats.js';

const consumers: ConsumerIdentity[] = [
  { consumerId: 'c-audio', peerId: 'peer-a', kind: 'audio', trackId: 'track-1', mid: '0' },
  { consumerId: 'c-video', peerId: 'peer-a', kind: 'video', trackId: 'track-2', mid: '1' },
  { consumerId: 'c-video-b', peerId: 'peer-b', kind: 'video', trackId: 'track-3', mid: '2' },
];

describe('mapInboundStats', () => {
  it('maps inbound-rtp entries to the peer by track id', () => {
    const report = [
      { type: 'inbound-rtp', kind: 'audio', trackIdentifier: 'track-1', bytesReceived: 1000, packetsLost: 2, packetsReceived: 98 },
      { type: 'inbound-rtp', kind: 'video', trackIdentifier: 'track-2', bytesReceived: 50_000, framesDecoded: 30, packetsLost: 0, packetsReceived: 60 },
    ];
    expect(mapInboundStats(report, consumers)).toEqual([
      { peerId: 'peer-a', consumerId: 'c-audio', kind: 'audio', bytesReceived: 1000, packetsLost: 2, packetsReceived: 98 },
      { peerId: 'peer-a', consumerId: 'c-video', kind: 'video', bytesReceived: 50_000, framesDecoded: 30, packetsLost: 0, packetsReceived: 60 },
    ]);
  });

  it('falls back to the MID when the track id is missing', () => {
    const report = [{ type: 'inbound-rtp', mid: '2', bytesReceived: 10, framesDecoded: 1, packetsLost: 0 }];
    expect(mapInboundStats(report, consumers)).toEqual([
      { peerId: 'peer-b', consumerId: 'c-video-b', kind: 'video', bytesReceived: 10, framesDecoded: 1, packetsLost: 0, packetsReceived: 0 },
    ]);
  });

  it('ignores other stat types and entries of unknown consumers', () => {
    const report = [
      { type: 'transport', bytesReceived: 99 },
      { type: 'candidate-pair', bytesReceived: 99 },
      { type: 'inbound-rtp', trackIdentifier: 'closed-track', mid: '9', bytesReceived: 5 },
    ];
    expect(mapInboundStats(report, consumers)).toEqual([]);
  });

  it('reports zero for counters a browser leaves out, and framesDecoded only for video', () => {
    const report = [
      { type: 'inbound-rtp', trackIdentifier: 'track-1' },
      { type: 'inbound-rtp', trackIdentifier: 'track-3' },
    ];
    expect(mapInboundStats(report, consumers)).toEqual([
      { peerId: 'peer-a', consumerId: 'c-audio', kind: 'audio', bytesReceived: 0, packetsLost: 0, packetsReceived: 0 },
      { peerId: 'peer-b', consumerId: 'c-video-b', kind: 'video', bytesReceived: 0, framesDecoded: 0, packetsLost: 0, packetsReceived: 0 },
    ]);
  });

  it('reads a Map-like report iterator (what RTCStatsReport.values() gives)', () => {
    const report = new Map([['x', { type: 'inbound-rtp', trackIdentifier: 'track-2', bytesReceived: 7, framesDecoded: 2, packetsLost: 1 }]]);
    expect(mapInboundStats(report.values(), consumers)).toHaveLength(1);
  });
});
