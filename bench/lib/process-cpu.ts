import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from /proc; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Measures the share of one core that a set of processes used between `start()` and `stop()`. */
export class CpuMeter {
  private readonly started = new Map<number, number>();
  private startedAt = 0;

  constructor(private readonly pids: () => number[]) {}

  start(): void {
    this.startedAt = performance.now();
    this.started.clear();
    for (const pid of this.pids()) this.started.set(pid, cpuSeconds(pid));
  }

  /** Percent of one core (200% = both cores of this machine). */
  stop(): number {
    const elapsed = (performance.now() - this.startedAt) / 1000;
    let used = 0;
    for (const [pid, before] of this.started) used += Math.max(0, cpuSeconds(pid) - before);
    return elapsed > 0 ? (100 * used) / elapsed : 0;
  }
}
