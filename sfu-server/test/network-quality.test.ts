import { describe, expect, it } from 'vitest';
import { LossMeter, lossPercentBetween, roundTripOf, worstLoss } from '../src/media/network-quality.js';

describe('lossPercentBetween', () => {
  it('measures loss over the interval since the previous reading, not since the start', () => {
    // 1000 packets with 100 lost long ago, then 200 more packets with none lost.
    expect(lossPercentBetween({ packets: 1000, lost: 100 }, { packets: 1200, lost: 100 })).toBe(0);
    expect(lossPercentBetween({ packets: 1000, lost: 100 }, { packets: 1190, lost: 110 })).toBe(5);
  });

  it('says nothing when too few packets passed (a muted microphone)', () => {
    expect(lossPercentBetween({ packets: 50, lost: 0 }, { packets: 55, lost: 1 })).toBeNull();
  });

  it('ignores a loss counter that went down (duplicates counted back)', () => {
    expect(lossPercentBetween({ packets: 100, lost: 10 }, { packets: 200, lost: 8 })).toBe(0);
  });
});

describe('LossMeter', () => {
  it('remembers each stream of each object separately', () => {
    const meter = new LossMeter();
    const stats = (packets: number, lost: number) => [{ type: 'inbound-rtp', ssrc: 1, packetCount: packets, packetsLost: lost }];
    expect(meter.read('producer-1', stats(100, 0), 'inbound-rtp')).toBe(0);
    expect(meter.read('producer-1', stats(180, 20), 'inbound-rtp')).toBe(20);
    expect(meter.read('producer-2', stats(180, 20), 'inbound-rtp')).toBe(10);
    expect(meter.read('producer-1', stats(180, 20), 'outbound-rtp')).toBeNull();
  });
});

describe('worstLoss and roundTripOf', () => {
  it('take the worst known figure', () => {
    expect(worstLoss([null, 2, 0.5])).toBe(2);
    expect(worstLoss([null])).toBeNull();
    expect(roundTripOf([{ roundTripTime: 12.4 }, {}, { roundTripTime: 80.6 }])).toBe(81);
    expect(roundTripOf([{}])).toBeNull();
  });
});
