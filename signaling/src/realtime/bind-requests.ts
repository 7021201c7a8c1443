import {
  clientRequests,
  handleRequest,
  rateLimited,
  type Ack,
  type ClientRequestName,
  type ClientResponse,
  type ParsedClientRequest,
} from '@ehop/protocol';
import type { Logger } from '../logger.js';
import type { RequestLimiter } from './request-limiter.js';
import type { SignalingSocket } from './socket-types.js';

export type ClientRequestHandlers = {
  [K in ClientRequestName]: (request: ParsedClientRequest<K>) => Promise<ClientResponse<K>>;
};

type AckCallback = (result: Ack<unknown>) => void;
type UntypedEmitter = { on(event: string, listener: (...args: unknown[]) => void): void };

/**
 * Binds every request of the client contract to its handler through `handleRequest`, so each
 * payload is validated against the protocol before a handler sees it and each request gets
 * exactly one acknowledgement. Before anything else a request is counted against the
 * connection's and the user's rate limits: over them it is answered `rate_limited` (with the
 * seconds to wait) and goes no further. Requests sent without an acknowledgement callback are
 * ignored: their sender could not learn the outcome.
 */
export function bindClientRequests(socket: SignalingSocket, handlers: ClientRequestHandlers, limiter: RequestLimiter, logger: Logger): void {
  for (const name of Object.keys(clientRequests) as ClientRequestName[]) {
    bindRequest(socket, name, handlers[name], limiter, logger);
  }
}

function bindRequest<K extends ClientRequestName>(
  socket: SignalingSocket,
  name: K,
  handler: ClientRequestHandlers[K],
  limiter: RequestLimiter,
  logger: Logger,
): void {
  const onUnexpectedError = (error: unknown) =>
    logger.error({ err: error, request: name, userId: socket.data.user.id }, 'request failed unexpectedly');
  const listener = (...args: unknown[]) => {
    const { payload, ack } = splitArguments(args);
    if (!ack) return;
    void limiter.admit(socket.id, socket.data.user.id).then(async (waitMs) => {
      ack(waitMs > 0 ? rateLimited(waitMs) : await handleRequest(clientRequests[name], payload, handler, onUnexpectedError));
    });
  };
  // Arguments arrive untyped from the network (handleRequest validates them), so listen untyped.
  (socket as unknown as UntypedEmitter).on(name, listener);
}

/** `emit(name, ack)` with no payload is allowed for requests whose payload is empty. */
function splitArguments(args: unknown[]): { payload: unknown; ack: AckCallback | null } {
  const [first, second] = args;
  if (typeof second === 'function') return { payload: first, ack: second as AckCallback };
  if (args.length === 1 && typeof first === 'function') return { payload: undefined, ack: first as AckCallback };
  return { payload: first, ack: null };
}
