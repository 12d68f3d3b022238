/**
 * One site per DATA_DIR: `npm start` holds `<DATA_DIR>/site.lock` (its pid) while it runs. A second
 * start on the same folder would supervise a second Meilisearch on the same index and, on
 * stopping, remove the first one's `meili/host` file (so `npm run import` could no longer reach the
 * running index). A lock left by a process that is gone is taken over.
 *
 * The file holds `<pid> <start time>` (clock ticks after boot, ../lib/processes.ts), so that a
 * lock left by a crash is taken over even when its pid has since been given to another process
 * (after a reboot, say). A file holding only a pid (off Linux) is judged by the pid.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isRunning, processId } from '../lib/processes.ts';

/** Whether a process with `pid` is running (signal 0 checks without signalling). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the lock's holder when that very process still runs, else null. */
function runningHolder(text: string): number | null {
  const [pid, startTicks] = text.trim().split(' ').map(Number);
  if (!Number.isInteger(pid) || (pid ?? 0) <= 0 || pid === process.pid) return null;
  const holder = pid ?? 0;
  const running = Number.isInteger(startTicks) ? isRunning({ pid: holder, startTicks: startTicks ?? 0 }) : alive(holder);
  return running ? holder : null;
}

/**
 * Takes the lock of `dataDir` for this process. Returns null when taken, or the pid of the running
 * site that holds it. Never throws for a stale or unreadable lock (it is replaced).
 */
export function takeSiteLock(dataDir: string): number | null {
  const file = path.join(dataDir, 'site.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const self = processId(process.pid);
      writeFileSync(file, self ? `${self.pid} ${self.startTicks}` : String(process.pid), { flag: 'wx', mode: 0o600 });
      return null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = runningHolder(readFileSync(file, 'utf8'));
    if (holder !== null) return holder;
    rmSync(file, { force: true });
  }
  return null;
}

/**
 * The pid of the running process that holds the lock of `dataDir`, or null when none does (no
 * lock, a stale one, or this process's own). Reads only: nothing is written or removed.
 */
export function siteLockHolder(dataDir: string): number | null {
  let holder: number;
  try {
    holder = Number(readFileSync(path.join(dataDir, 'site.lock'), 'utf8').trim());
  } catch {
    return null;
  }
  return Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder) ? holder : null;
}

/** Gives the lock back (only when this process holds it). */
export function releaseSiteLock(dataDir: string): void {
  const file = path.join(dataDir, 'site.lock');
  try {
    if (Number(readFileSync(file, 'utf8').trim().split(' ')[0]) === process.pid) rmSync(file, { force: true });
  } catch {
    // no lock
  }
}
