import type { ParsedSfuRequest, SfuRequestName, SfuResponse } from '@ehop/protocol';
import type { RoomRegistry } from '../media/room-registry.js';
import type { PeerRoutes } from './peer-routes.js';

/** The signaling connection a request came in on. */
export interface Caller {
  connectionId: string;
}

export type SfuHandler<K extends SfuRequestName> = (
  request: ParsedSfuRequest<K>,
  caller: Caller,
) => Promise<SfuResponse<K>> | SfuResponse<K>;

export type SfuHandlers = { [K in SfuRequestName]: SfuHandler<K> };

/** What each internal API request does; payloads arrive already validated by `handleRequest`. */
export function createSfuHandlers(registry: RoomRegistry, routes: PeerRoutes): SfuHandlers {
  return {
    'room:open': async ({ roomId }) => ({ routerRtpCapabilities: (await registry.open(roomId)).rtpCapabilities }),
    'room:close': ({ roomId }) => {
      registry.close(roomId);
      routes.forgetRoom(roomId);
      return {};
    },
    'peer:open': ({ roomId, peerId }, caller) => {
      registry.get(roomId).openPeer(peerId);
      routes.bind(roomId, peerId, caller.connectionId);
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
    'producer:create': async ({ roomId, peerId, ...request }) => ({
      producerId: await registry.get(roomId).produce(peerId, request),
    }),
    'producer:pause': async ({ roomId, peerId, producerId }) => {
      await registry.get(roomId).peer(peerId).pauseProducer(producerId);
      return {};
    },
    'producer:resume': async ({ roomId, peerId, producerId }) => {
      await registry.get(roomId).peer(peerId).resumeProducer(producerId);
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
    'room:stats': ({ roomId }) => registry.get(roomId).stats(),
  };
}
