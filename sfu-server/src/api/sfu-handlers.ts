import { RequestError, type ParsedSfuRequest, type SfuRequestName, type SfuResponse } from '@ehop/protocol';
import type { RoomRegistry } from '../media/room-registry.js';
import { PeerRoutes } from './peer-routes.js';

/** The signaling connection a request came in on, and the node it belongs to. */
export interface Caller {
  connectionId: string;
  nodeId: string;
}

export type SfuHandler<K extends SfuRequestName> = (
  request: ParsedSfuRequest<K>,
  caller: Caller,
) => Promise<SfuResponse<K>> | SfuResponse<K>;

export type SfuHandlers = { [K in SfuRequestName]: SfuHandler<K> };

export interface SfuFeatures {
  /** Plain RTP transports for synthetic endpoints (benchmarks, tests). */
  enablePlainRtp: boolean;
}

/** What each internal API request does; payloads arrive already validated by `handleRequest`. */
export function createSfuHandlers(
  registry: RoomRegistry,
  routes: PeerRoutes,
  features: SfuFeatures = { enablePlainRtp: false },
  /** Which node drives each link (by room and link id): it hears the link's `link:trackState`. */
  linkOwners: PeerRoutes = new PeerRoutes(),
): SfuHandlers {
  return {
    'room:open': async ({ roomId }) => ({ routerRtpCapabilities: (await registry.open(roomId)).rtpCapabilities }),
    'room:capabilities': async ({ roomId }) => ({ routerRtpCapabilities: await registry.capabilities(roomId) }),
    'room:close': ({ roomId }) => {
      registry.close(roomId);
      routes.forgetRoom(roomId);
      linkOwners.forgetRoom(roomId);
      return {};
    },
    'peer:open': ({ roomId, peerId, userId }, caller) => {
      registry.get(roomId).openPeer(peerId, userId);
      routes.bind(roomId, peerId, caller.nodeId);
      return {};
    },
    'peer:close': ({ roomId, peerId }) => {
      registry.find(roomId)?.closePeer(peerId);
      routes.unbind(roomId, peerId);
      return {};
    },
    'peer:setRtpCapabilities': ({ roomId, peerId, rtpCapabilities }) => {
      registry.get(roomId).setRtpCapabilities(peerId, rtpCapabilities);
      return {};
    },
    'transport:create': ({ roomId, peerId, direction }) => registry.get(roomId).createTransport(peerId, direction),
    'transport:connect': async ({ roomId, peerId, transportId, dtlsParameters }) => {
      await registry.get(roomId).peer(peerId).connectTransport(transportId, dtlsParameters);
      return {};
    },
    'transport:restartIce': async ({ roomId, peerId, transportId }) => ({
      iceParameters: await registry.get(roomId).peer(peerId).restartIce(transportId),
    }),
    'producer:create': ({ roomId, peerId, ...request }) => registry.get(roomId).produce(peerId, request),
    'producer:pause': async ({ roomId, peerId, producerId }) => {
      await registry.get(roomId).pauseProducer(peerId, producerId);
      return {};
    },
    'producer:resume': async ({ roomId, peerId, producerId }) => {
      await registry.get(roomId).resumeProducer(peerId, producerId);
      return {};
    },
    'producer:close': ({ roomId, peerId, producerId }) => {
      registry.get(roomId).peer(peerId).closeProducer(producerId);
      return {};
    },
    'consumer:resume': async ({ roomId, peerId, consumerId }) => {
      await registry.get(roomId).peer(peerId).resumeConsumer(consumerId);
      return {};
    },
    'node:peers': (_request, caller) => ({ peers: routes.peersOf(caller.nodeId) }),
    'node:load': () => registry.load(),
    'room:stats': ({ roomId }) => registry.get(roomId).stats(),
    'room:setPolicy': async ({ roomId, policy }) => ({ applied: await registry.get(roomId).setPolicy(policy) }),
    'peer:setView': ({ roomId, peerId, thumbnails }) => {
      registry.get(roomId).setView(peerId, thumbnails);
      return {};
    },
    'room:setMicrophones': async ({ roomId, muted, who }) => ({ changed: await registry.get(roomId).setMicrophones(muted, who) }),
    'room:networkQuality': async ({ roomId }) => ({ peers: await registry.get(roomId).networkQuality() }),
    'room:traffic': ({ roomId }) => registry.get(roomId).traffic(),
    'plain:createTransport': ({ roomId, peerId, direction, remote }) => {
      if (!features.enablePlainRtp) throw new RequestError('forbidden', 'plain RTP transports are disabled (SFU_ENABLE_PLAIN_RTP)');
      return registry.get(roomId).createPlainTransport(peerId, direction, remote);
    },
    // Recorder transports are made by the SFU itself towards the recorder's relay: allowed in production.
    'recorder:open': ({ roomId, recordingId, video, audio }) => registry.get(roomId).openRecorder(recordingId, { video, audio }),
    'recorder:follow': ({ roomId, recordingId, videoUserId, audioUserIds }) =>
      registry.get(roomId).followRecorder(recordingId, videoUserId, audioUserIds),
    'recorder:keyFrame': async ({ roomId, recordingId }) => {
      await registry.get(roomId).recorderKeyFrame(recordingId);
      return {};
    },
    'recorder:close': ({ roomId, recordingId }) => {
      registry.find(roomId)?.closeRecorder(recordingId);
      return {};
    },
    // Links between SFU nodes carrying one meeting (media/node-link.ts); signaling drives both ends.
    'room:links': async ({ roomId }) => ({ links: await registry.get(roomId).links.summaries() }),
    'link:open': ({ roomId, linkId }, caller) => {
      const opening = registry.get(roomId).links.open(linkId);
      linkOwners.bind(roomId, linkId, caller.nodeId);
      return opening;
    },
    'link:connect': async ({ roomId, linkId, ...remote }) => {
      await registry.get(roomId).links.connect(linkId, remote);
      return {};
    },
    'link:send': ({ roomId, linkId, producerId }, caller) => {
      linkOwners.bind(roomId, linkId, caller.nodeId);
      return registry.get(roomId).links.send(linkId, producerId);
    },
    'link:receive': async ({ roomId, linkId, producerId, ...track }) => {
      await registry.get(roomId).links.receive(linkId, producerId, track);
      return {};
    },
    'link:sendLayers': async ({ roomId, linkId, producerId, maxSpatialLayer }) => {
      await registry.get(roomId).links.setWantedLayer(linkId, producerId, maxSpatialLayer);
      return {};
    },
    'link:trackState': async ({ roomId, linkId, producerId, state }) => {
      await registry.get(roomId).links.setTrackState(linkId, producerId, state);
      return {};
    },
    'link:close': async ({ roomId, linkId }) => {
      await registry.find(roomId)?.links.close(linkId);
      linkOwners.unbind(roomId, linkId);
      return {};
    },
  };
}
