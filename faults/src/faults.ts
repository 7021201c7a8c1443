import { sfuHealth } from '@ehop/testkit';
import type { FaultStack } from './fault-stack.js';

/** A way to break the system in the middle of a meeting, and what it takes away from whom. */
export interface Fault {
  name: string;
  /** Breaks it (and, for a restart, brings it back); resolves when the broken part is up again. */
  inject(stack: FaultStack): Promise<void>;
  /** Whose media session is lost with it, so that they must rejoin before their media counts as back. */
  forcesRejoin: boolean;
}

/** The SFU's mediasoup workers, from its /healthz. */
export async function workerPids(stack: FaultStack): Promise<number[]> {
  // Its details (workers, rooms, peers) are for callers with the secret.
  return (await sfuHealth(stack.sfu)).workers.map((worker) => worker.pid);
}

export const FAULTS = {
  workerKilled: {
    name: 'a mediasoup worker killed',
    forcesRejoin: true,
    async inject(stack) {
      const [pid] = await workerPids(stack);
      process.kill(pid!, 'SIGKILL');
    },
  },
  sfuRestarted: {
    name: 'the SFU killed and restarted',
    forcesRejoin: true,
    inject: (stack) => stack.sfu.restart('SIGKILL'),
  },
  signalingRestarted: {
    name: 'signaling killed and restarted',
    forcesRejoin: true,
    inject: (stack) => stack.nodes[0]!.restart('SIGKILL'),
  },
  redisRestarted: {
    name: 'Redis restarted',
    forcesRejoin: false,
    inject: (stack) => stack.redis.restart('SIGTERM', 1_000),
  },
  redisKilled: {
    name: 'Redis killed with kill -9',
    forcesRejoin: false,
    inject: (stack) => stack.redis.restart('SIGKILL', 1_000),
  },
} satisfies Record<string, Fault>;
