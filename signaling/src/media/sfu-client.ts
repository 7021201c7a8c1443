import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import {
  ErrorCode,
  RequestError,
  sfuEvents,
  sfuRequests,
  type SfuEvent,
  type SfuEventName,
  type SfuRequest,
  type SfuRequestName,
  type SfuResponse,
} from '@ehop/protocol';
import type { Logger } from '../logger.js';

export interface SfuClientOptions {
  url: string;
  secret: string;
  requestTimeoutMs: number;
  /** With an https url: the CA certificate(s) that signed the SFU's (absent or null: the system's CAs). */
  caFile?: string | null;
  /**
   * This signaling node's id: the SFU keeps the peers the node opens for as long as the node's
   * connection lives, plus a grace period (see sfu-server/README.md). A probe without one is a
   * node of its own.
   */
  nodeId?: string;
}

/** SFU refusals that mean something to the browser; any other failure is "media unavailable". */
const CODES_PASSED_THROUGH = new Set<ErrorCode>(['forbidden', 'not_found', 'invalid_payload', 'limit_reached']);

const SfuAck = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: ErrorCode, message: z.string() }) }),
]);

/**
 * This node's connection to the SFU's internal API (socket.io, shared-secret auth). It connects
 * once `connect()` is called (after every listener is in place: the SFU may speak at once, e.g.
 * `peers:closed` held for the next node) and reconnects by itself; while it is down every request
 * fails fast with `media_unavailable`.
 */
export class SfuClient {
  private readonly socket: Socket;

  constructor(
    private readonly options: SfuClientOptions,
    private readonly logger: Logger,
  ) {
    this.socket = io(options.url, {
      auth: { token: options.secret, ...(options.nodeId ? { nodeId: options.nodeId } : {}) },
      transports: ['websocket'],
      reconnectionDelayMax: 2_000,
      // The secret goes in the handshake: over https, only to an SFU whose certificate checks out.
      ...(options.caFile ? { ca: readFileSync(options.caFile, 'utf8') } : {}),
      autoConnect: false,
    });
    // Retries happen every couple of seconds: report an outage once, not at every attempt.
    let outageReported = false;
    this.socket.on('connect', () => {
      outageReported = false;
      logger.info({ url: options.url }, 'connected to the SFU');
    });
    this.socket.on('disconnect', (reason) => logger.warn({ reason }, 'disconnected from the SFU'));
    this.socket.on('connect_error', (error) => {
      if (!outageReported) logger.warn({ url: options.url, err: error.message, cause: transportCause(error) }, 'cannot connect to the SFU; retrying');
      outageReported = true;
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Starts connecting (and reconnecting); call it once the listeners are registered. */
  connect(): void {
    this.socket.connect();
  }

  /**
   * `expected`: refusals the caller handles itself (the cascade takes `conflict` on a link another
   * signaling node set up as done): thrown with their own code, not logged.
   */
  async request<K extends SfuRequestName>(name: K, payload: SfuRequest<K>, expected: readonly ErrorCode[] = []): Promise<SfuResponse<K>> {
    if (!this.socket.connected) throw new RequestError('media_unavailable', 'The media server is not reachable');
    const ack = SfuAck.safeParse(await this.send(name, payload));
    if (!ack.success) return this.unavailable(name, 'malformed acknowledgement', ack.error);
    if (!ack.data.ok) {
      const { code, message } = ack.data.error;
      if (CODES_PASSED_THROUGH.has(code) || expected.includes(code)) throw new RequestError(code, message);
      return this.unavailable(name, 'request failed', ack.data.error);
    }
    const response = sfuRequests[name].response.safeParse(ack.data.data);
    if (!response.success) return this.unavailable(name, 'malformed response', response.error);
    return response.data as SfuResponse<K>;
  }

  /** Listens to an SFU event; payloads that do not match the protocol are logged and dropped. */
  on<K extends SfuEventName>(name: K, listener: (event: SfuEvent<K>) => void): void {
    const schema: z.ZodType = sfuEvents[name];
    this.socket.on(name as string, (raw: unknown) => {
      const parsed = schema.safeParse(raw);
      if (parsed.success) listener(parsed.data as SfuEvent<K>);
      else this.logger.warn({ event: name, issues: parsed.error.issues }, 'dropped malformed SFU event');
    });
  }

  /**
   * Runs after every successful connection, the first one too (sockets may have joined meetings
   * while the SFU was down). On the namespace's `connect`, not the manager's `reconnect`: only
   * then are requests accepted.
   */
  onConnect(listener: () => void): void {
    this.socket.on('connect', listener);
  }

  /** Runs when the link to the SFU drops, except when this node closes it itself (shutting down). */
  onDisconnect(listener: () => void): void {
    this.socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') listener();
    });
  }

  close(): void {
    this.socket.disconnect();
  }

  private async send(name: SfuRequestName, payload: unknown): Promise<unknown> {
    try {
      return await this.socket.timeout(this.options.requestTimeoutMs).emitWithAck(name, payload);
    } catch {
      throw new RequestError('media_unavailable', 'The media server did not answer in time');
    }
  }

  private unavailable(name: SfuRequestName, problem: string, detail: unknown): never {
    this.logger.error({ request: name, detail }, `SFU ${problem}`);
    throw new RequestError('media_unavailable', 'The media server could not handle the request');
  }
}

/**
 * What lies under socket.io's "websocket error": the refused connection, or the TLS failure
 * ("self-signed certificate", "certificate has expired") an operator needs to see.
 */
function transportCause(error: Error): string | undefined {
  const description = (error as { description?: { message?: unknown; error?: { message?: unknown } } }).description;
  const message = description?.error?.message ?? description?.message;
  return typeof message === 'string' ? message : undefined;
}
