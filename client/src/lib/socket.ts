import { io, type Socket } from 'socket.io-client';
import {
  serverEvents,
  type ClientRequest,
  type ClientRequestName,
  type ClientResponse,
  type ClientToServerEvents,
  type ServerEvent,
  type ServerEventName,
  type ServerToClientEvents,
} from '@ehop/protocol';
import { unwrapAck } from './ack.js';
import { AppError, isAppErrorCode } from './errors.js';

export type SignalingSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const REQUEST_TIMEOUT_MS = 15_000;
const CONNECT_TIMEOUT_MS = 10_000;

let socket: SignalingSocket | null = null;

/** The one socket.io connection to signaling (same origin, authenticated by the session cookie). */
export function getSocket(): SignalingSocket {
  socket ??= io({
    autoConnect: false,
    withCredentials: true,
    // WebSocket first: no sticky sessions needed behind a load balancer; polling as a fallback.
    transports: ['websocket', 'polling'],
  });
  return socket;
}

/** Resolves once connected; rejects with a translated cause (signed out, server unreachable). */
export function connectSocket(): Promise<void> {
  const current = getSocket();
  if (current.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => settle(new AppError('timeout', 'Connecting to signaling timed out')), CONNECT_TIMEOUT_MS);
    const onConnect = () => settle();
    const onError = (error: Error & { data?: { code?: unknown } }) => {
      // A refusal by the server's middleware is final; a network error would be retried forever.
      const code = isAppErrorCode(error.data?.code) ? error.data.code : isAppErrorCode(error.message) ? error.message : 'network';
      if (code !== 'network' || !current.active) settle(new AppError(code, error.message, error));
    };
    function settle(error?: AppError) {
      clearTimeout(timer);
      current.off('connect', onConnect);
      current.off('connect_error', onError);
      if (error) reject(error);
      else resolve();
    }
    current.on('connect', onConnect);
    current.on('connect_error', onError);
    current.connect();
  });
}

export function isSocketConnected(): boolean {
  return socket?.connected ?? false;
}

export function disconnectSocket(): void {
  socket?.disconnect();
  socket = null;
}

/** A typed request to signaling: the ack's data, or an AppError carrying the server's code. */
export async function request<K extends ClientRequestName>(
  name: K,
  payload: ClientRequest<K>,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<ClientResponse<K>> {
  const emitter = getSocket().timeout(timeoutMs) as unknown as {
    emitWithAck(event: string, payload: unknown): Promise<unknown>;
  };
  let ack: unknown;
  try {
    ack = await emitter.emitWithAck(name, payload);
  } catch (error) {
    throw new AppError('timeout', `${name} was not acknowledged in ${timeoutMs} ms`, error);
  }
  return unwrapAck(ack as Parameters<typeof unwrapAck<ClientResponse<K>>>[0]);
}

/**
 * Subscribes to a server event. Payloads are checked against the protocol's schema so the media
 * code only ever sees well-formed data. Returns the unsubscribe function.
 */
export function onServerEvent<K extends ServerEventName>(name: K, handler: (payload: ServerEvent<K>) => void): () => void {
  const schema = serverEvents[name];
  const listener = (payload: unknown) => {
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      console.warn(`[ehop] ignored malformed ${name}`, parsed.error.issues);
      return;
    }
    handler(parsed.data as ServerEvent<K>);
  };
  // The typed socket only knows listeners of parsed payloads; this one takes the raw payload.
  const target = getSocket() as unknown as {
    on(event: string, listener: (payload: unknown) => void): void;
    off(event: string, listener: (payload: unknown) => void): void;
  };
  target.on(name, listener);
  return () => target.off(name, listener);
}
