/*
 * The few RTP header fields the relay reads and rewrites (RFC 3550), in place on the datagram.
 */

export const RTP_HEADER_BYTES = 12;

export function isRtp(packet: Uint8Array): boolean {
  return packet.length >= RTP_HEADER_BYTES && packet[0]! >> 6 === 2;
}

function view(packet: Uint8Array): DataView {
  return new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
}

export function ssrcOf(packet: Uint8Array): number {
  return view(packet).getUint32(8);
}
export function sequenceOf(packet: Uint8Array): number {
  return view(packet).getUint16(2);
}
export function timestampOf(packet: Uint8Array): number {
  return view(packet).getUint32(4);
}

export function rewriteHeader(packet: Uint8Array, fields: { ssrc: number; sequence: number; timestamp: number }): void {
  const header = view(packet);
  header.setUint32(8, fields.ssrc >>> 0);
  header.setUint16(2, fields.sequence & 0xffff);
  header.setUint32(4, fields.timestamp >>> 0);
}

/** Where the codec payload starts: after the CSRCs and the header extension. Null when malformed. */
export function payloadOffset(packet: Uint8Array): number | null {
  const csrcCount = packet[0]! & 0x0f;
  let offset = RTP_HEADER_BYTES + 4 * csrcCount;
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return null;
    offset += 4 + 4 * view(packet).getUint16(offset + 2);
  }
  return offset <= packet.length ? offset : null;
}

/**
 * Whether this packet starts a VP8 key frame (RFC 7741): start of partition 0 in the payload
 * descriptor, and the P bit of the VP8 frame header clear.
 */
export function startsVp8KeyFrame(packet: Uint8Array): boolean {
  let offset = payloadOffset(packet);
  if (offset === null || offset >= packet.length) return false;
  const first = packet[offset]!;
  const extended = (first & 0x80) !== 0;
  const start = (first & 0x10) !== 0;
  const partition = first & 0x07;
  if (!start || partition !== 0) return false;
  offset += 1;
  if (extended) {
    const flags = packet[offset++]!;
    if (flags & 0x80) offset += packet[offset]! & 0x80 ? 2 : 1; // PictureID, 7 or 15 bits
    if (flags & 0x40) offset += 1; // TL0PICIDX
    if (flags & 0x30) offset += 1; // TID / KEYIDX
  }
  return offset < packet.length && (packet[offset]! & 0x01) === 0;
}
