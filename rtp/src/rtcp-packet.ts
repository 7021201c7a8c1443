/*
 * The little of RTCP (RFC 3550, RFC 4585) a relay needs: telling it from RTP on a muxed port, and
 * noticing that a receiver asks for a key frame.
 */

/** RTCP shares the port (rtcp-mux): its packet types 192–223 never collide with RTP's 96–127 payload types. */
export function isRtcp(packet: Uint8Array): boolean {
  return packet.length >= 4 && packet[0]! >> 6 === 2 && packet[1]! >= 192 && packet[1]! <= 223;
}

const PAYLOAD_SPECIFIC_FEEDBACK = 206;
const PICTURE_LOSS_INDICATION = 1;
const FULL_INTRA_REQUEST = 4;

/** Whether a (compound) RTCP packet holds a PLI or a FIR: a receiver cannot decode without a key frame. */
export function asksForKeyFrame(packet: Uint8Array): boolean {
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  for (let offset = 0; offset + 4 <= packet.length; offset += 4 * (view.getUint16(offset + 2) + 1)) {
    const format = packet[offset]! & 0x1f;
    if (packet[offset + 1] === PAYLOAD_SPECIFIC_FEEDBACK && (format === PICTURE_LOSS_INDICATION || format === FULL_INTRA_REQUEST)) return true;
  }
  return false;
}
