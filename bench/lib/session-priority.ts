import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Gives a process's session a scheduling weight, as a service manager can give a service one
 * (systemd's `Nice=` or `CPUWeight=`). With the kernel's autogroup scheduling
 * (`kernel.sched_autogroup_enabled`), each session started with `setsid` is a group that shares
 * the CPU with the others by its group nice value (`/proc/<pid>/autogroup`); a process's own nice
 * value only orders it within its group. Returns what the kernel now reports, or why it could not
 * be set (autogroups off; a negative value needs root).
 */
export function setSessionNice(pid: number, nice: number): string {
  const file = `/proc/${pid}/autogroup`;
  if (!existsSync(file)) return `no autogroup for ${pid} (kernel.sched_autogroup_enabled off?)`;
  try {
    writeFileSync(file, String(nice));
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    return `could not set ${file}: ${(error as Error).message}`;
  }
}
