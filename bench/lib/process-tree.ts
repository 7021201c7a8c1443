import { readFileSync, readdirSync } from 'node:fs';

/** Direct children of a process (the SFU's mediasoup workers are its children). */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (list) children.push(...list.split(/\s+/).map(Number));
  }
  return children;
}

/** Every process below `pid` whose command name starts with `command` (e.g. a browser's many processes). */
export function descendantPids(pid: number, command: string): number[] {
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const child of safeChildPids(parent)) {
      if (commandOf(child).startsWith(command)) found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

function safeChildPids(pid: number): number[] {
  try {
    return childPids(pid);
  } catch {
    return []; // it ended meanwhile
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}
