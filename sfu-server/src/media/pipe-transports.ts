import type { types } from 'mediasoup';
import { PipeTransport } from 'mediasoup/node/lib/PipeTransport.js';

/** appData of a link's PipeTransport (node-link.ts), which tells it from an in-node pipe. */
export type LinkTransportData = { link: string };

/**
 * A pipe transport: either one pipeToRouter made between two routers of a room on this node
 * (room-routers.ts), or a link to another SFU node carrying the same meeting (node-link.ts). Its
 * producers are copies of a camera or microphone that lives elsewhere (same id), and its consumers
 * feed another router: whoever watches a room's media must look through them, to the real ones.
 */
export function isPipeTransport(transport: types.Transport): boolean {
  return transport instanceof PipeTransport;
}

/**
 * A link to another SFU node. Unlike an in-node pipe, the receivers behind its consumers are not
 * watched on this node: a link's consumer stands for them all (send-layers.ts counts it as a
 * receiver of the top layer).
 */
export function isNodeLink(transport: types.Transport): boolean {
  return isPipeTransport(transport) && typeof (transport.appData as Partial<LinkTransportData>).link === 'string';
}
