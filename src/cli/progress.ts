/**
 * Progress lines of long commands (backup, restore): at most one a second per phase, plus the
 * first and last of each phase, written with `log`.
 */
import type { BackupProgress } from '../features/backup/backup.ts';
import { backupText as t } from '../i18n/backup.zh-CN.ts';
import { log } from './bootstrap.ts';

/** A progress callback that logs `t.progress(p)` when the phase changes, it ends, a copy restarts, or a second has passed. */
export function progressLogger(intervalMs = 1000): (p: BackupProgress) => void {
  let phase = '';
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.phase === phase && p.done < p.total && !p.restarted && now - last < intervalMs) return;
    phase = p.phase;
    last = now;
    log(t.progress(p));
  };
}
