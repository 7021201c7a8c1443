import { describe, expect, it } from 'vitest';
import { asksForKeyFrame, isRtcp } from '../src/rtcp-packet.js';

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
});
