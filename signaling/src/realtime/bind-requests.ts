import {
  clientRequests,
  fail,
  handleRequest,
  rateLimited,
  type Ack,
  type ClientRequestName,
  type ClientResponse,
  type ParsedClientRequest,
} from '@ehop/protocol';
import type { Logger } from '../logger.js';
import type { RequestLimiter } from './request-limiter.js';
import type { IdempotencyStore } from '../redis/idempotency-store.js';
import { asRequestError } from '../redis/storage-failure.js';
import { runOnce } from './idempotent-requests.js';
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
 * ignored: their sender could not learn the outcome. Storage outages answer `storage_unavailable`,
 * and a retryable write with an idempotency key runs once per key (idempotent-requests.ts).
 */
export function bindClientRequests(
  socket: SignalingSocket,
  handlers: ClientRequestHandlers,
  limiter: RequestLimiter,
  logger: Logger,
  idempotency: IdempotencyStore,
): void {
  for (const name of Object.keys(clientRequests) as ClientRequestName[]) {
    bindRequest(socket, name, handlers[name], limiter, logger, idempotency);
  }
}

function bindRequest<K extends ClientRequestName>(
  socket: SignalingSocket,
  name: K,
  handler: ClientRequestHandlers[K],
  limiter: RequestLimiter,
  logger: Logger,
  idempotency: IdempotencyStore,
): void {
  const onUnexpectedError = (error: unknown) =>
    logger.error({ err: error, request: name, userId: socket.data.user.id }, 'request failed unexpectedly');
  const storageAware = (request: Parameters<typeof handler>[0]) =>
    handler(request).catch((error: unknown) => {
      throw asRequestError(error);
    });
  const run = (payload: unknown) => handleRequest(clientRequests[name], payload, storageAware, onUnexpectedError);
  const admitAndRun = async (payload: unknown): Promise<Ack<unknown>> => {
    const waitMs = await limiter.admit(socket.id, socket.data.user.id);
    if (waitMs > 0) return rateLimited(waitMs);
    return runOnce(idempotency, socket.data.user.id, name, payload, run, logger);
  };
  const listener = (...args: unknown[]) => {
    const { payload, ack } = splitArguments(args);
    if (!ack) return;
    admitAndRun(payload).then(ack, (error: unknown) => {
      onUnexpectedError(error);
      ack(fail('internal', 'Internal error'));
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
