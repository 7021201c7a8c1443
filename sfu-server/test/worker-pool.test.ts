import { describe, expect, it } from 'vitest';
import { pickLeastLoaded, portsOfSlot, webRtcListenInfos } from '../src/media/worker-pool.js';

describe('pickLeastLoaded', () => {
  const load = (worker: { rooms: number }) => worker.rooms;

  it('picks the worker carrying the fewest rooms', () => {
    const workers = [{ pid: 1, rooms: 3 }, { pid: 2, rooms: 1 }, { pid: 3, rooms: 2 }];
    expect(pickLeastLoaded(workers, load)?.pid).toBe(2);
  });

  it('picks the first of equally loaded workers', () => {
    expect(pickLeastLoaded([{ pid: 1, rooms: 0 }, { pid: 2, rooms: 0 }], load)?.pid).toBe(1);
  });

  it('returns undefined when no worker runs', () => {
    expect(pickLeastLoaded([], load)).toBeUndefined();
  });
});

describe('a worker\'s WebRTC ports', () => {
  it('are RTC_PORT + slot for both protocols when configured, whatever was learned', () => {
    expect(portsOfSlot(40000, 0, undefined)).toEqual({ udp: 40000, tcp: 40000 });
    expect(portsOfSlot(40000, 3, { udp: 1, tcp: 2 })).toEqual({ udp: 40003, tcp: 40003 });
  });

  it('are any free ones at first with RTC_PORT=0, then those the slot\'s first worker got', () => {
    expect(portsOfSlot(0, 1, undefined)).toBeUndefined();
    expect(portsOfSlot(0, 1, { udp: 30017, tcp: 30112 })).toEqual({ udp: 30017, tcp: 30112 });
  });

  it('listen on UDP and TCP at the same address, announcing the public one when given', () => {
    const listen = { listenIp: '0.0.0.0', announcedIp: '203.0.113.7', firstPort: 40000 };
    expect(webRtcListenInfos(listen, { udp: 40001, tcp: 40001 })).toEqual([
      { protocol: 'udp', ip: '0.0.0.0', announcedIp: '203.0.113.7', port: 40001 },
      { protocol: 'tcp', ip: '0.0.0.0', announcedIp: '203.0.113.7', port: 40001 },
    ]);
    expect(webRtcListenInfos({ ...listen, announcedIp: undefined }, undefined)).toEqual([
      { protocol: 'udp', ip: '0.0.0.0' },
      { protocol: 'tcp', ip: '0.0.0.0' },
    ]);
  });
});
