import type { types } from 'mediasoup';
import { PipeTransport } from 'mediasoup/node/lib/PipeTransport.js';

/**
 * A transport pipeToRouter made between two routers of a room (room-routers.ts). Its consumers
 * take every layer of a camera for the far router and its producers are copies of the original
 * (same id): whoever watches a room's media must look through them, to the real consumers.
 */
export function isPipeTransport(transport: types.Transport): boolean {
  return transport instanceof PipeTransport;
}
