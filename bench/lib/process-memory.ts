import { readFileSync } from 'node:fs';
import { childPids } from './process-tree.js';

/** Resident memory of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kib / 1024;
}

/** A process and its children together, in MiB. */
export function treeRssMiB(pid: number): number {
  return rssMiB(pid) + childPids(pid).reduce((sum, child) => sum + rssMiB(child), 0);
}
