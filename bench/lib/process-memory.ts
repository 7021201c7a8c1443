import { readFileSync, readdirSync } from 'node:fs';

/** Resident memory of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kib / 1024;
}

/** Direct children of a process (the SFU's mediasoup workers are its children). */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (list) children.push(...list.split(/\s+/).map(Number));
  }
  return children;
}

/** A process and its children together, in MiB. */
export function treeRssMiB(pid: number): number {
  return rssMiB(pid) + childPids(pid).reduce((sum, child) => sum + rssMiB(child), 0);
}
