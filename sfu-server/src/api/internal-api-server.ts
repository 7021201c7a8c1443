import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import {
  handleRequest,
  type Health,
  SfuHandshake,
  sfuRequests,
  type SfuEvent,
  type PeerNotification,
  type SfuRequestName,
  type SfuToSignalingEvents,
  type SignalingToSfuEvents,
} from '@ehop/protocol';
import type { Logger } from '../logger.js';
import type { RoomRegistry } from '../media/room-registry.js';
import type { WorkerPool } from '../media/worker-pool.js';
import { healthReport, publicHealth } from './health.js';
import { NodeLeases } from './node-leases.js';
import { OrphanedPeers } from './orphaned-peers.js';
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
  /** How long a signaling node's peers outlive its last connection (SFU_NODE_GRACE_MS). */
  nodeGraceMs: number;
  log: Logger;
}

/**
 * The lease's heartbeat: socket.io pings every signaling connection this often and drops one that
 * does not answer within the timeout, so a node that vanished without closing its connection (a
 * crashed host, a cut cable) starts its grace period within seconds, not socket.io's default 45 s.
 */
const PING_INTERVAL_MS = 2_500;
const PING_TIMEOUT_MS = 5_000;

export interface InternalApi {
  /** `http(s)://host:port`, what signaling puts in SFU_URL. */
  url: string;
  /** Stops accepting connections and disconnects every signaling node. */
  close(): Promise<void>;
}

interface ConnectionData {
  nodeId: string;
}
/** The connections that named their node: signaling nodes (a test's or a benchmark's probe names none). */
const NAMED_NODES = 'named-nodes';
type SignalingServer = Server<SignalingToSfuEvents, SfuToSignalingEvents, Record<string, never>, ConnectionData>;
type SignalingSocket = Socket<SignalingToSfuEvents, SfuToSignalingEvents, Record<string, never>, ConnectionData>;

/**
 * The SFU's only door: socket.io for signaling nodes (shared-secret auth) and GET /healthz, on one
 * HTTP (or, with `tls`, HTTPS) server. Each request goes through `handleRequest` (validate, run,
 * acknowledge). /healthz tells anyone whether the SFU is up; its workers, rooms and peers only to a
 * caller with the secret (`Authorization: Bearer SECRET`).
 */
export async function startInternalApi(options: InternalApiOptions): Promise<InternalApi> {
  const { pool, registry, log } = options;
  const routes = new PeerRoutes();
  // The same bookkeeping for links: which node drives each one (it relays their track changes).
  const linkOwners = new PeerRoutes();
  const handlers = createSfuHandlers(registry, routes, { enablePlainRtp: options.enablePlainRtp ?? false }, linkOwners);

  const http = createServer(options.tls ?? null);
  const io: SignalingServer = new Server(http, { serveClient: false, pingInterval: PING_INTERVAL_MS, pingTimeout: PING_TIMEOUT_MS });
  const closedPeers = new ClosedPeersNotice(io);
  const orphans = new OrphanedPeers({
    registry,
    routes,
    log,
    onClosed: (nodeId, peers) => closedPeers.send({ nodeId, reason: 'signaling_node_lost', peers }),
  });
  const leases = new NodeLeases({ graceMs: options.nodeGraceMs, log, onExpired: (nodeId) => orphans.adopt(nodeId) });
  // socket.io answers its own path and passes every other request on to this listener.
  http.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.url?.startsWith('/socket.io')) return;
    const report = healthReport(pool, registry, io.of('/').sockets.size, leases.describe(routes.countByNode()));
    serveHttp(request, response, secretMatches(bearerToken(request), options.secret) ? report : publicHealth(report));
  });

  io.use((socket, next) => {
    const handshake = SfuHandshake.safeParse(socket.handshake.auth);
    if (handshake.success && secretMatches(handshake.data.token, options.secret)) {
      // Without an id the connection is a node of its own: its peers live as long as it does.
      socket.data.nodeId = handshake.data.nodeId ?? socket.id;
      return next();
    }
    log.warn({ address: socket.handshake.address }, 'signaling connection refused: bad token or node id');
    next(new Error('unauthenticated'));
  });
  io.on('connection', (socket) => {
    const { nodeId } = socket.data;
    log.info({ connectionId: socket.id, nodeId, address: socket.handshake.address }, 'signaling connected');
    leases.attach(nodeId, socket.id);
    if (socket.handshake.auth['nodeId'] !== undefined) void socket.join(NAMED_NODES);
    socket.on('disconnect', (reason) => {
      log.warn({ connectionId: socket.id, nodeId, reason }, 'signaling disconnected');
      leases.detach(nodeId, socket.id);
    });
    bindRequests(socket, handlers, log);
    closedPeers.deliverPending(socket);
  });

  registry.on('peerNotification', (roomId, peerId, notification) => {
    const nodeId = routes.nodeOf(roomId, peerId);
    const target = signalingSocketFor(io, nodeId === undefined ? undefined : leases.connectionOf(nodeId));
    if (!target) return log.warn({ roomId, peerId, event: notification.event }, 'no signaling connection to notify');
    target.emit('peer:notify', { roomId, peerId, notification: notification satisfies PeerNotification });
  });
  registry.on('activeSpeaker', (roomId, speaker) => {
    io.emit('room:activeSpeaker', { roomId, peerId: speaker?.peerId ?? null, userId: speaker?.userId ?? null });
  });
  registry.on('mainFeed', (roomId, source) => {
    io.emit('room:mainFeed', { roomId, source });
  });
  // What a link's far end must hear goes to the node driving the link (or any, if that one is gone).
  const linkDriver = (roomId: string, linkId: string) => {
    const nodeId = linkOwners.nodeOf(roomId, linkId);
    const target = signalingSocketFor(io, nodeId === undefined ? undefined : leases.connectionOf(nodeId));
    if (!target) log.warn({ roomId, linkId }, 'no signaling connection to relay a link event to');
    return target;
  };
  registry.on('linkTrackState', (roomId, linkId, producerId, state) => {
    linkDriver(roomId, linkId)?.emit('link:trackState', { roomId, linkId, producerId, state });
  });
  registry.on('linkSendLayers', (roomId, linkId, producerId, maxSpatialLayer) => {
    linkDriver(roomId, linkId)?.emit('link:sendLayers', { roomId, linkId, producerId, maxSpatialLayer });
  });
  registry.on('roomLost', (roomId, reason) => {
    routes.forgetRoom(roomId);
    linkOwners.forgetRoom(roomId);
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
        leases.close();
        orphans.close();
        io.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

/**
 * `peers:closed` goes to every signaling node, so each can drop the stale presence and tell its
 * own browsers. With no node connected (the only one is restarting) it waits for the next one.
 * Kept in memory: if the SFU restarts meanwhile, every peer is gone anyway and every node rebuilds.
 */
class ClosedPeersNotice {
  private pending: SfuEvent<'peers:closed'>[] = [];

  constructor(private readonly io: SignalingServer) {}

  send(notice: SfuEvent<'peers:closed'>): void {
    const nodes = this.io.of('/').adapter.rooms.get(NAMED_NODES)?.size ?? 0;
    if (nodes === 0) this.pending.push(notice);
    else this.io.to(NAMED_NODES).emit('peers:closed', notice);
  }

  deliverPending(socket: SignalingSocket): void {
    if (!socket.rooms.has(NAMED_NODES)) return;
    for (const notice of this.pending.splice(0)) socket.emit('peers:closed', notice);
  }
}

function bindRequests(socket: SignalingSocket, handlers: SfuHandlers, log: Logger): void {
  const caller = { connectionId: socket.id, nodeId: socket.data.nodeId };
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
