import type { Logger } from '../logger.js';

export interface NodeLeasesOptions {
  /** How long a node whose last connection is gone keeps its peers, so a brief reconnect of the link loses nothing. */
  graceMs: number;
  /** The node did not come back in time: its peers must go. */
  onExpired: (nodeId: string) => void;
  log: Logger;
}

export interface NodeLeaseInfo {
  nodeId: string;
  connections: number;
  /** While disconnected: when (epoch ms) its peers will be closed. */
  expiresAt: number | null;
}

/**
 * Each signaling node's lease on the peers it opened. The lease is the node's connection: it is
 * renewed by socket.io's ping (every few seconds; a silent connection is dropped), and when the
 * node's last connection is gone a grace period starts. A node that reconnects with the same id
 * within it keeps everything; after it the node's peers are closed. A restarted node has a new id,
 * so the peers of the process that died are closed when its grace runs out.
 */
export class NodeLeases {
  private readonly connections = new Map<string, Set<string>>();
  private readonly expiries = new Map<string, { timer: NodeJS.Timeout; at: number }>();

  constructor(private readonly options: NodeLeasesOptions) {}

  attach(nodeId: string, connectionId: string): void {
    const expiry = this.expiries.get(nodeId);
    if (expiry) {
      clearTimeout(expiry.timer);
      this.expiries.delete(nodeId);
      this.options.log.info({ nodeId }, 'signaling node came back within its grace period: its peers stay');
    }
    const connections = this.connections.get(nodeId) ?? new Set();
    connections.add(connectionId);
    this.connections.set(nodeId, connections);
  }

  detach(nodeId: string, connectionId: string): void {
    const connections = this.connections.get(nodeId);
    if (!connections?.delete(connectionId) || connections.size > 0) return;
    this.connections.delete(nodeId);
    const { graceMs, log } = this.options;
    log.warn({ nodeId, graceMs }, 'signaling node disconnected: its peers close unless it comes back');
    const timer = setTimeout(() => this.expire(nodeId), graceMs);
    timer.unref();
    this.expiries.set(nodeId, { timer, at: Date.now() + graceMs });
  }

  /** A connection of the node, if it has one now. */
  connectionOf(nodeId: string): string | undefined {
    return this.connections.get(nodeId)?.values().next().value;
  }

  describe(peerCounts: ReadonlyMap<string, number>): (NodeLeaseInfo & { peers: number })[] {
    const nodeIds = new Set([...this.connections.keys(), ...this.expiries.keys()]);
    return [...nodeIds].map((nodeId) => ({
      nodeId,
      connections: this.connections.get(nodeId)?.size ?? 0,
      expiresAt: this.expiries.get(nodeId)?.at ?? null,
      peers: peerCounts.get(nodeId) ?? 0,
    }));
  }

  close(): void {
    for (const { timer } of this.expiries.values()) clearTimeout(timer);
    this.expiries.clear();
  }

  private expire(nodeId: string): void {
    this.expiries.delete(nodeId);
    this.options.log.warn({ nodeId }, 'signaling node lost its lease: closing its peers');
    this.options.onExpired(nodeId);
  }
}
