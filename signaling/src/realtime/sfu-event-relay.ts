import type { SfuClient } from '../media/sfu-client.js';
import type { Logger } from '../logger.js';
import { rooms } from '../redis/keys.js';
import type { SignalingIo } from './socket-types.js';

/**
 * Forwards what the SFU says to the browsers concerned.
 * - `peer:notify` goes to the one signaling connection that opened the peer (or any other if that
 *   one is gone); the Redis adapter then reaches the peer's socket whichever node holds it.
 * - `room:lost` goes to every signaling connection, so each node tells only its own sockets
 *   (`io.local`); through the adapter each browser would hear it once per node.
 * - the SFU link dropping or coming back is this node's own news: it tells its own sockets.
 */
export function relaySfuEvents(sfu: SfuClient, io: SignalingIo, logger: Logger): void {
  sfu.on('peer:notify', ({ peerId, notification }) => {
    // The payload was checked against PeerNotification, which pairs each event with its shape;
    // TypeScript cannot follow that pairing through a union, hence the widened emitter.
    const peerRoom = io.to(rooms.peer(peerId)) as unknown as { emit(event: string, payload: unknown): boolean };
    peerRoom.emit(notification.event, notification.payload);
  });

  sfu.on('room:lost', ({ roomId, reason }) => {
    logger.warn({ roomId, reason }, 'media room lost: asking its peers to restart');
    io.local.to(rooms.meeting(roomId)).emit('media:restart', { reason });
  });

  // The SFU is gone (or this node's link to it): the peers it held are lost or about to be. Their
  // browsers learn it now rather than when ICE gives up half a minute later, and keep retrying.
  sfu.onDisconnect(() => {
    for (const socket of io.of('/').sockets.values()) {
      if (socket.data.joined?.mediaOpen) socket.emit('media:restart', { reason: 'media_server_lost' });
    }
  });

  // After an SFU outage every socket in a meeting on this node hears that media is back, whether
  // its SFU peer was open (it may no longer exist there: rebuild) or not (its media:join failed
  // during the outage, or it never opened media): nobody has to wait for a retry or a click.
  sfu.onConnect(() => {
    const reason = 'media_server_reconnected';
    for (const socket of io.of('/').sockets.values()) {
      const joined = socket.data.joined;
      if (!joined) continue;
      if (joined.mediaOpen) socket.emit('media:restart', { reason });
      else socket.emit('media:available', { reason });
    }
  });
}
