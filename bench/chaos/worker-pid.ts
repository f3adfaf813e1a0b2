import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The pid of the worker this process started with METRICS_PORT=`port`: a child of this process
 * (bin/iotp execs node, so the child is the worker itself) whose environment carries that port.
 * demo/worker-process.ts keeps its child private; a kill -9 needs the pid.
 */
export function workerPid(port: number): number | undefined {
  const marker = `METRICS_PORT=${port}`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // field 4 of /proc/<pid>/stat is the parent pid (after the parenthesised command name)
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(marker)) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}

/** Waits (up to `timeoutMs`) for the worker's pid: between spawn and exec its environment is still ours. */
export async function waitWorkerPid(port: number, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = workerPid(port);
    if (pid !== undefined) return pid;
    if (Date.now() > deadline) throw new Error(`no child process with METRICS_PORT=${port}`);
    await sleep(20);
  }
}

/** True while the process exists (and is not a zombie). */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
