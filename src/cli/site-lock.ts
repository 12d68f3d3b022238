/**
 * One site per DATA_DIR: `npm start` holds `<DATA_DIR>/site.lock` (its pid) while it runs. A second
 * start on the same folder would supervise a second Meilisearch on the same index and, on
 * stopping, remove the first one's `meili/host` file (so `npm run import` could no longer reach the
 * running index). A lock left by a process that is gone is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Whether a process with `pid` is running (signal 0 checks without signalling). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock of `dataDir` for this process. Returns null when taken, or the pid of the running
 * site that holds it. Never throws for a stale or unreadable lock (it is replaced).
 */
export function takeSiteLock(dataDir: string): number | null {
  const file = path.join(dataDir, 'site.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) return holder;
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
    if (Number(readFileSync(file, 'utf8').trim()) === process.pid) rmSync(file, { force: true });
  } catch {
    // no lock
  }
}
