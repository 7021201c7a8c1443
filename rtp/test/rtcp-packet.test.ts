import { describe, expect, it } from 'vitest';
import { asksForKeyFrame, isRtcp, keyFrameRequestSsrcs, senderReport } from '../src/rtcp-packet.js';

/** One RTCP packet: header (version 2, `format`, `type`, length in words − 1) and `words` of body. */
function rtcp(type: number, format: number, words: number): Uint8Array {
  const packet = new Uint8Array(4 + 4 * words);
  packet[0] = 0x80 | format;
  packet[1] = type;
  new DataView(packet.buffer).setUint16(2, words);
  return packet;
}

const receiverReport = rtcp(201, 1, 7);
const pli = rtcp(206, 1, 2);
const fir = rtcp(206, 4, 4);
const nack = rtcp(205, 1, 3);

/** A PLI asking `mediaSsrc` for a key frame. */
function pliOf(mediaSsrc: number): Uint8Array {
  const packet = rtcp(206, 1, 2);
  new DataView(packet.buffer).setUint32(8, mediaSsrc);
  return packet;
}

/** A FIR with one entry per SSRC asked. */
function firOf(...mediaSsrcs: number[]): Uint8Array {
  const packet = rtcp(206, 4, 2 + 2 * mediaSsrcs.length);
  mediaSsrcs.forEach((ssrc, i) => new DataView(packet.buffer).setUint32(12 + 8 * i, ssrc));
  return packet;
}

describe('RTCP on a muxed port', () => {
  it('tells RTCP from RTP by the packet type', () => {
    expect(isRtcp(receiverReport)).toBe(true);
    const rtp = new Uint8Array(12);
    rtp[0] = 0x80;
    rtp[1] = 0x80 | 101; // marker + VP8's payload type
    expect(isRtcp(rtp)).toBe(false);
  });

  it('finds a PLI or a FIR anywhere in a compound packet, and nothing in reports or NACKs', () => {
    expect(asksForKeyFrame(pli)).toBe(true);
    expect(asksForKeyFrame(Uint8Array.from([...receiverReport, ...fir]))).toBe(true);
    expect(asksForKeyFrame(Uint8Array.from([...receiverReport, ...nack]))).toBe(false);
  });

  it('stops at a truncated packet instead of reading past it', () => {
    expect(asksForKeyFrame(Uint8Array.from([...receiverReport.subarray(0, 10)]))).toBe(false);
  });

  it('names the SSRCs a PLI or a FIR asks key frames of, in a compound packet', () => {
    expect(keyFrameRequestSsrcs(pliOf(1111))).toEqual([1111]);
    expect(keyFrameRequestSsrcs(firOf(2222, 3333))).toEqual([2222, 3333]);
    expect(keyFrameRequestSsrcs(Uint8Array.from([...receiverReport, ...pliOf(1111), ...nack, ...firOf(4444)]))).toEqual([1111, 4444]);
    expect(keyFrameRequestSsrcs(Uint8Array.from([...receiverReport, ...nack]))).toEqual([]);
  });

  it('names no SSRC from a truncated PLI or FIR entry', () => {
    expect(keyFrameRequestSsrcs(pliOf(1111).subarray(0, 10))).toEqual([]);
    expect(keyFrameRequestSsrcs(firOf(2222, 3333).subarray(0, 24))).toEqual([2222]);
  });
});

describe('sender report', () => {
  it('ties the RTP timestamp to the wall clock in NTP time', () => {
    const wallClockMs = Date.UTC(2026, 0, 1) + 250;
    const report = senderReport({ ssrc: 0xdeadbeef, wallClockMs, rtpTimestamp: 0xfffffff0, packets: 7, octets: 700 });
    const view = new DataView(report.buffer);
    expect(isRtcp(report)).toBe(true);
    expect(report[1]).toBe(200);
    expect(4 * (view.getUint16(2) + 1)).toBe(report.length);
    expect(view.getUint32(4)).toBe(0xdeadbeef);
    expect(view.getUint32(8)).toBe(Math.floor(wallClockMs / 1000) + 2_208_988_800);
    expect(view.getUint32(12)).toBe(2 ** 30); // a quarter of a second
    expect([view.getUint32(16), view.getUint32(20), view.getUint32(24)]).toEqual([0xfffffff0, 7, 700]);
    expect(asksForKeyFrame(report)).toBe(false);
  });
});
