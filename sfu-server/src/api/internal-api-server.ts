import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import {
  handleRequest,
  type Health,
  sfuRequests,
  type PeerNotification,
  type SfuRequestName,
  type SfuToSignalingEvents,
  type SignalingToSfuEvents,
} from '@ehop/protocol';
import type { Logger } from '../logger.js';
import type { RoomRegistry } from '../media/room-registry.js';
import type { WorkerPool } from '../media/worker-pool.js';
import { healthReport, publicHealth } from './health.js';
import { PeerRoutes } from './peer-routes.js';
import { createSfuHandlers, type SfuHandler, type SfuHandlers } from './sfu-handlers.js';

export interface InternalApiOptions {
  host: string;
  port: number;
  secret: string;
  /** Serve HTTPS with this certificate and key (PEM files); null or absent: plain HTTP. */
  tls?: { certFile: string; keyFile: string } | null;
  pool: WorkerPool;
  registry: RoomRegistry;
  /** Benchmarks/tests only: allow `plain:createTransport`. */
  enablePlainRtp?: boolean;
  log: Logger;
}

export interface InternalApi {
  /** `http(s)://host:port`, what signaling puts in SFU_URL. */
  url: string;
  /** Stops accepting connections and disconnects every signaling node. */
  close(): Promise<void>;
}

type SignalingServer = Server<SignalingToSfuEvents, SfuToSignalingEvents>;
type SignalingSocket = Socket<SignalingToSfuEvents, SfuToSignalingEvents>;

/**
 * The SFU's only door: socket.io for signaling nodes (shared-secret auth) and GET /healthz, on one
 * HTTP (or, with `tls`, HTTPS) server. Each request goes through `handleRequest` (validate, run,
 * acknowledge). /healthz tells anyone whether the SFU is up; its workers, rooms and peers only to a
 * caller with the secret (`Authorization: Bearer SECRET`).
 */
export async function startInternalApi(options: InternalApiOptions): Promise<InternalApi> {
  const { pool, registry, log } = options;
  const routes = new PeerRoutes();
  const handlers = createSfuHandlers(registry, routes, { enablePlainRtp: options.enablePlainRtp ?? false });

  const http = createServer(options.tls ?? null);
  const io: SignalingServer = new Server(http, { serveClient: false });
  // socket.io answers its own path and passes every other request on to this listener.
  http.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.url?.startsWith('/socket.io')) return;
    const report = healthReport(pool, registry, io.of('/').sockets.size);
    serveHttp(request, response, secretMatches(bearerToken(request), options.secret) ? report : publicHealth(report));
  });

  io.use((socket, next) => {
    if (secretMatches(socket.handshake.auth['token'], options.secret)) return next();
    log.warn({ address: socket.handshake.address }, 'signaling connection refused: bad token');
    next(new Error('unauthenticated'));
  });
  io.on('connection', (socket) => {
    log.info({ connectionId: socket.id, address: socket.handshake.address }, 'signaling connected');
    socket.on('disconnect', (reason) => log.warn({ connectionId: socket.id, reason }, 'signaling disconnected'));
    bindRequests(socket, handlers, log);
  });

  registry.on('peerNotification', (roomId, peerId, notification) => {
    const target = signalingSocketFor(io, routes.connectionOf(roomId, peerId));
    if (!target) return log.warn({ roomId, peerId, event: notification.event }, 'no signaling connection to notify');
    target.emit('peer:notify', { roomId, peerId, notification: notification satisfies PeerNotification });
  });
  registry.on('activeSpeaker', (roomId, speaker) => {
    io.emit('room:activeSpeaker', { roomId, peerId: speaker?.peerId ?? null, userId: speaker?.userId ?? null });
  });
  registry.on('mainFeed', (roomId, source) => {
    io.emit('room:mainFeed', { roomId, source });
  });
  registry.on('roomLost', (roomId, reason) => {
    routes.forgetRoom(roomId);
    io.emit('room:lost', { roomId, reason });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const address = http.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://${formatHost(address)}:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        io.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

function bindRequests(socket: SignalingSocket, handlers: SfuHandlers, log: Logger): void {
  const caller = { connectionId: socket.id };
  for (const name of Object.keys(sfuRequests) as SfuRequestName[]) {
    const handler = handlers[name] as SfuHandler<SfuRequestName>;
    const listener = async (payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return log.warn({ event: name }, 'request without acknowledgement ignored');
      const startedAt = performance.now();
      const result = await handleRequest(
        sfuRequests[name],
        payload,
        (request) => handler(request as never, caller),
        (error) => log.error({ err: error, event: name }, 'request failed unexpectedly'),
      );
      ack(result);
      log.debug({ event: name, ms: Math.round(performance.now() - startedAt) }, 'request served');
    };
    socket.on(name, listener as never);
  }
}

/** The connection that opened the peer, or any connected signaling node if that one is gone. */
function signalingSocketFor(io: SignalingServer, connectionId: string | undefined): SignalingSocket | undefined {
  const sockets = io.of('/').sockets;
  const owner = connectionId === undefined ? undefined : sockets.get(connectionId);
  return owner ?? sockets.values().next().value;
}

function createServer(tls: { certFile: string; keyFile: string } | null): HttpServer {
  if (!tls) return createHttpServer();
  return createHttpsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) });
}

function serveHttp(request: IncomingMessage, response: ServerResponse, report: Health): void {
  if (request.method === 'GET' && request.url?.split('?')[0] === '/healthz') {
    return sendJson(response, report.status === 'ok' ? 200 : 503, report);
  }
  sendJson(response, 404, { error: { code: 'not_found', message: 'Not found' } });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

function bearerToken(request: IncomingMessage): string | undefined {
  const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
  return match?.[1];
}

// Hashing first gives equal lengths, which timingSafeEqual needs, without leaking the length.
function secretMatches(token: unknown, secret: string): boolean {
  if (typeof token !== 'string') return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(token), digest(secret));
}

function formatHost(address: AddressInfo): string {
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}
