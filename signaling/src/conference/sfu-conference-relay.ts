import type { Logger } from '../logger.js';
import type { SfuCluster } from '../media/sfu-cluster.js';
import { rooms } from '../redis/keys.js';
import { publishMediaFlags } from '../realtime/media-handlers.js';
import type { RealtimeDeps } from '../realtime/realtime-deps.js';
import type { ConferenceService } from './conference-service.js';

/**
 * What the SFU tells signaling about the conference:
 * - a microphone it paused or resumed on its own authority (floor given or taken back, chair's
 *   mute): this node's record of that peer's producers and its micOn flag follow, so everyone's
 *   tiles show the truth (the browser itself hears the same notification through the relay);
 * - the dominant speaker, for main screens that follow it, and whom the main-screen feed carries
 *   (each node tells its own sockets: the SFU sends both to every node).
 */
export function relayConferenceEvents(sfu: SfuCluster, deps: RealtimeDeps, conference: ConferenceService, logger: Logger): void {
  sfu.on('peer:notify', ({ peerId, notification }) => {
    if (notification.event !== 'media:producerPaused' && notification.event !== 'media:producerResumed') return;
    for (const socket of deps.io.of('/').sockets.values()) {
      const joined = socket.data.joined;
      const producer = joined?.peerId === peerId ? joined.producers.get(notification.payload.producerId) : undefined;
      if (!joined || !producer) continue;
      producer.paused = notification.event === 'media:producerPaused';
      publishMediaFlags(deps, socket, joined).catch((error: unknown) => logger.warn({ err: error, peerId }, 'could not publish a server mute'));
    }
  });

  // One message for the whole room: at 120 endpoints a cut-over must not be 120 relayed notifications.
  sfu.on('room:mainFeed', ({ roomId, source }, node) => {
    if (!sfu.placesPeersByUnit) {
      deps.io.local.to(rooms.meeting(roomId)).emit('media:mainFeed', source);
      return;
    }
    // Each node of the meeting has its own feed, cutting over at its own key frame: a socket hears its node's.
    for (const socket of deps.io.of('/').sockets.values()) {
      const joined = socket.data.joined;
      if (joined?.meetingId === roomId && joined.mediaOpen && sfu.carries(node, roomId, joined.peerId)) socket.emit('media:mainFeed', source);
    }
  });

  sfu.on('room:activeSpeaker', ({ roomId, userId, peerId }) => {
    conference.rememberActiveSpeaker(roomId, { userId, peerId });
    deps.io.local.to(rooms.meeting(roomId)).emit('conference:activeSpeaker', { userId, peerId });
  });
}
