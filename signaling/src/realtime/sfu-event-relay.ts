import type { SfuClient } from '../media/sfu-client.js';
import type { Logger } from '../logger.js';
import { rooms } from '../redis/keys.js';
import type { PresenceRepository } from './presence-repository.js';
import type { SignalingIo } from './socket-types.js';

/**
 * Forwards what the SFU says to the browsers concerned.
 * - `peer:notify` goes to the one signaling connection that opened the peer (or any other if that
 *   one is gone); the Redis adapter then reaches the peer's socket whichever node holds it.
 * - `room:lost` and `peers:closed` go to every signaling connection, so each node tells only its
 *   own sockets (`io.local`); through the adapter each browser would hear it once per node.
 */
export function relaySfuEvents(sfu: SfuClient, io: SignalingIo, presence: PresenceRepository, logger: Logger): void {
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

  // The peers of a signaling node that died: its presence entries are stale (they would show as
  // doubled tiles next to their owners' new peers), and the rosters drop them.
  sfu.on('peers:closed', ({ nodeId, peers }) => {
    logger.warn({ nodeId, peers: peers.length }, 'the SFU closed the peers of a lost signaling node');
    for (const { roomId, peerId } of peers) {
      presence.remove(roomId, peerId).catch((error: unknown) => logger.warn({ err: error, roomId, peerId }, 'could not remove stale presence'));
      io.local.to(rooms.meeting(roomId)).emit('peer:left', { peerId });
    }
  });

  // After an SFU outage this node's peers may no longer exist there (the SFU restarted, or this
  // node's lease ran out): those browsers rebuild; the others keep their media as it is.
  sfu.onReconnect(() => void restartPeersTheSfuLost(sfu, io, logger));
}

async function restartPeersTheSfuLost(sfu: SfuClient, io: SignalingIo, logger: Logger): Promise<void> {
  let owned: Set<string>;
  try {
    owned = new Set((await sfu.request('node:peers', {})).peers.map(({ roomId, peerId }) => `${roomId}/${peerId}`));
  } catch (error) {
    logger.warn({ err: error }, 'could not ask the SFU which peers survived: every peer rebuilds');
    owned = new Set();
  }
  let restarted = 0;
  for (const socket of io.of('/').sockets.values()) {
    const joined = socket.data.joined;
    if (!joined || owned.has(`${joined.meetingId}/${joined.peerId}`)) continue;
    socket.emit('media:restart', { reason: 'media_server_reconnected' });
    restarted++;
  }
  logger.info({ kept: owned.size, restarted }, 'reconnected to the SFU');
}
