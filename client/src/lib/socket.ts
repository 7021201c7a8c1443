import { io, type Socket } from 'socket.io-client';
import {
  IDEMPOTENCY_KEY_FIELD,
  isIdempotentRequest,
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
import { AppError, isAppErrorCode, type AppErrorCode } from './errors.js';

export type SignalingSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const REQUEST_TIMEOUT_MS = 15_000;
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * Waits before each retry of a write that got no answer or was refused while storage was away:
 * about a minute in all, as long as a person waits for a button before giving up.
 */
const WRITE_RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];
/** A write with these outcomes may or may not have been applied, or may succeed later: send it again. */
const RETRYABLE: readonly AppErrorCode[] = ['timeout', 'storage_unavailable'];

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

/**
 * A typed request to signaling: the ack's data, or an AppError carrying the server's code. A
 * retryable write (protocol's IDEMPOTENT_REQUESTS) carries one idempotency key through all its
 * attempts and is sent again while its outcome is unknown: the server applies it once and answers
 * every retry as the attempt that ran, so no write lands after its sender was told it failed.
 */
export async function request<K extends ClientRequestName>(
  name: K,
  payload: ClientRequest<K>,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<ClientResponse<K>> {
  if (!isIdempotentRequest(name)) return requestOnce(name, payload, timeoutMs);
  const keyed = { ...(payload as object), [IDEMPOTENCY_KEY_FIELD]: newIdempotencyKey() };
  for (const delay of WRITE_RETRY_DELAYS_MS) {
    try {
      return await requestOnce(name, keyed, timeoutMs);
    } catch (error) {
      if (!(error instanceof AppError) || !RETRYABLE.includes(error.code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return requestOnce(name, keyed, timeoutMs);
}

async function requestOnce<K extends ClientRequestName>(name: K, payload: unknown, timeoutMs: number): Promise<ClientResponse<K>> {
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

/** 128 random bits; getRandomValues works on plain-HTTP pages too (randomUUID does not). */
function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
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
