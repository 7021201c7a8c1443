import type { Health } from '@ehop/protocol';
import type { RoomRegistry } from '../media/room-registry.js';
import type { WorkerInfo, WorkerPool } from '../media/worker-pool.js';
import type { NodeLeaseInfo } from './node-leases.js';

export interface SfuHealth extends Health {
  workers: WorkerInfo[];
  rooms: number;
  peers: number;
  signalingConnections: number;
  /** Each signaling node holding peers here: its connections, its peers, and when a disconnected one's peers close. */
  signalingNodes: (NodeLeaseInfo & { peers: number })[];
}

/** `GET /healthz`: degraded while a dead worker has not been replaced yet. */
export function healthReport(
  pool: WorkerPool,
  registry: RoomRegistry,
  signalingConnections: number,
  signalingNodes: SfuHealth['signalingNodes'],
): SfuHealth {
  const workersUp = pool.healthy;
  return {
    status: workersUp ? 'ok' : 'degraded',
    service: 'sfu-server',
    checks: { workers: workersUp },
    workers: pool.describe(),
    ...registry.counts(),
    signalingConnections,
    signalingNodes,
  };
}

/** What /healthz tells a caller without the secret: up or not, nothing about the meetings inside. */
export function publicHealth({ status, service, checks }: SfuHealth): Health {
  return { status, service, checks };
}
