/*
 * The little of RTCP (RFC 3550, RFC 4585, RFC 5104) a relay or a synthetic sender needs: telling it
 * from RTP on a muxed port, noticing that a receiver asks for a key frame (and of which stream),
 * and writing a sender report.
 */

/** RTCP shares the port (rtcp-mux): its packet types 192–223 never collide with RTP's 96–127 payload types. */
export function isRtcp(packet: Uint8Array): boolean {
  return packet.length >= 4 && packet[0]! >> 6 === 2 && packet[1]! >= 192 && packet[1]! <= 223;
}

const SENDER_REPORT = 200;
const PAYLOAD_SPECIFIC_FEEDBACK = 206;
const PICTURE_LOSS_INDICATION = 1;
const FULL_INTRA_REQUEST = 4;
/** A feedback packet's media source SSRC (what a PLI asks of), after its header and the sender's SSRC. */
const MEDIA_SOURCE_OFFSET = 8;
/** A FIR names what it asks of in entries of 8 bytes (SSRC, sequence number, 3 reserved) after that field. */
const FIR_ENTRIES_OFFSET = 12;
const FIR_ENTRY_BYTES = 8;

/** Whether a (compound) RTCP packet holds a PLI or a FIR: a receiver cannot decode without a key frame. */
export function asksForKeyFrame(packet: Uint8Array): boolean {
  return keyFrameRequestSsrcs(packet).length > 0;
}

/**
 * The media SSRCs a (compound) RTCP packet asks key frames of: each PLI's media source, each FIR
 * entry's SSRC. A simulcast sender answers with a key frame on those layers only.
 */
export function keyFrameRequestSsrcs(packet: Uint8Array): number[] {
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const ssrcs: number[] = [];
  for (let offset = 0; offset + 4 <= packet.length; ) {
    // A packet's length field counts 32-bit words after the first; a truncated one ends the walk.
    const end = Math.min(packet.length, offset + 4 * (view.getUint16(offset + 2) + 1));
    if (packet[offset + 1] === PAYLOAD_SPECIFIC_FEEDBACK) ssrcs.push(...keyFrameTargets(view, offset, end));
    offset = end;
  }
  return ssrcs;
}

/** The SSRCs one payload-specific feedback packet (bytes `start` to `end`) asks key frames of. */
function keyFrameTargets(view: DataView, start: number, end: number): number[] {
  const format = view.getUint8(start) & 0x1f;
  if (format === PICTURE_LOSS_INDICATION) return start + MEDIA_SOURCE_OFFSET + 4 <= end ? [view.getUint32(start + MEDIA_SOURCE_OFFSET)] : [];
  if (format !== FULL_INTRA_REQUEST) return [];
  const targets: number[] = [];
  for (let entry = start + FIR_ENTRIES_OFFSET; entry + FIR_ENTRY_BYTES <= end; entry += FIR_ENTRY_BYTES) targets.push(view.getUint32(entry));
  return targets;
}

/** Seconds from NTP's epoch (1900) to the Unix epoch (1970). */
const NTP_UNIX_OFFSET_S = 2_208_988_800;

export interface SenderReportFields {
  ssrc: number;
  /** The wall clock (Unix epoch ms) at which the stream's timestamp was `rtpTimestamp`. */
  wallClockMs: number;
  rtpTimestamp: number;
  /** Packets and payload bytes sent so far. */
  packets: number;
  octets: number;
}

/**
 * An RTCP sender report without report blocks (RFC 3550 §6.4.1): it ties a stream's RTP
 * timestamps to the wall clock. An SFU needs it to line up the timestamps of a sender's simulcast
 * layers before it switches a receiver from one to another.
 */
export function senderReport({ ssrc, wallClockMs, rtpTimestamp, packets, octets }: SenderReportFields): Uint8Array {
  const packet = new Uint8Array(28);
  const view = new DataView(packet.buffer);
  packet[0] = 0x80; // version 2, no report blocks
  packet[1] = SENDER_REPORT;
  view.setUint16(2, packet.length / 4 - 1);
  view.setUint32(4, ssrc >>> 0);
  const seconds = Math.floor(wallClockMs / 1000);
  view.setUint32(8, (seconds + NTP_UNIX_OFFSET_S) >>> 0);
  view.setUint32(12, Math.floor(((wallClockMs - seconds * 1000) / 1000) * 2 ** 32));
  view.setUint32(16, rtpTimestamp >>> 0);
  view.setUint32(20, packets >>> 0);
  view.setUint32(24, octets >>> 0);
  return packet;
}
