import type { SfuCluster } from '../media/sfu-cluster.js';
import type { SfuNode } from '../media/sfu-directory.js';
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
 * - an SFU link dropping or coming back is this node's own news: it tells its own sockets whose
 *   meetings that SFU node carries.
 */
export function relaySfuEvents(sfu: SfuCluster, io: SignalingIo, presence: PresenceRepository, logger: Logger): void {
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
  sfu.onDisconnect((node) => {
    for (const socket of io.of('/').sockets.values()) {
      const joined = socket.data.joined;
      if (joined?.mediaOpen && sfu.carries(node, joined.meetingId, joined.peerId)) socket.emit('media:restart', { reason: 'media_server_lost' });
    }
  });

  // SFU_PEER_PLACEMENT=unit: a district's node died, the meeting's lives on; only its peers rebuild
  // (placed again, on a live node), the others keep their media.
  sfu.onPeersLost(({ roomId, peerIds, reason }) => {
    logger.warn({ roomId, peers: peerIds.length, reason }, 'media node of some peers lost: asking them to restart');
    for (const peerId of peerIds) io.local.to(rooms.peer(peerId)).emit('media:restart', { reason });
  });

  // After an SFU outage every socket in a meeting on this node hears that media is back: one whose
  // SFU peer is gone there (the SFU restarted, or this node's lease ran out) rebuilds it; one with
  // no media open (its media:join failed during the outage, or it never opened media) may open it
  // now. Nobody has to wait for a retry or a click; a peer the SFU kept is left alone.
  sfu.onConnect((node) => void tellSocketsMediaIsBack(sfu, node, io, logger));

  // The peers of a signaling node that died: its presence entries are stale (they would show as
  // doubled tiles next to their owners' new peers), and the rosters drop them.
  sfu.on('peers:closed', ({ nodeId, peers }) => {
    logger.warn({ nodeId, peers: peers.length }, 'the SFU closed the peers of a lost signaling node');
    for (const { roomId, peerId } of peers) {
      presence.remove(roomId, peerId).catch((error: unknown) => logger.warn({ err: error, roomId, peerId }, 'could not remove stale presence'));
      io.local.to(rooms.meeting(roomId)).emit('peer:left', { peerId });
    }
  });
}

/** An SFU link is back: each joined socket of this node rebuilds, opens, or keeps its media. */
async function tellSocketsMediaIsBack(sfu: SfuCluster, node: SfuNode, io: SignalingIo, logger: Logger): Promise<void> {
  const reason = 'media_server_reconnected';
  const kept = await peersTheSfuKept(node, logger);
  let restarted = 0;
  for (const socket of io.of('/').sockets.values()) {
    const joined = socket.data.joined;
    if (!joined) continue;
    if (!joined.mediaOpen) socket.emit('media:available', { reason });
    else if (sfu.carries(node, joined.meetingId, joined.peerId) && !kept.has(`${joined.meetingId}/${joined.peerId}`)) {
      socket.emit('media:restart', { reason });
      restarted++;
    }
  }
  logger.info({ sfuNode: node.id, kept: kept.size, restarted }, 'connected to the SFU');
}

/** `roomId/peerId` of this node's peers still open in the SFU; none if it cannot say (all rebuild). */
async function peersTheSfuKept(node: SfuNode, logger: Logger): Promise<Set<string>> {
  try {
    return new Set((await node.client.request('node:peers', {})).peers.map(({ roomId, peerId }) => `${roomId}/${peerId}`));
  } catch (error) {
    logger.warn({ err: error }, 'could not ask the SFU which peers survived: every peer rebuilds');
    return new Set();
  }
}
