/**
 * The start-up sweep of `<dataDir>/evidence`: sealed files no row names, left by a submission,
 * message or preview that was interrupted between writing its files and committing its row (the
 * order ./evidence.server.ts keeps), and temporary files cut short by a crash.
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../../db/client.ts';
import { tipEvidence } from '../../db/schema.ts';
import { evidenceDir, isStorageName, isTempStorageName } from './evidence.server.ts';

/** What `sweepOrphanEvidence` found: files removed, and rows whose file is missing (kept, to be looked into). */
export interface SweepResult {
  removed: number;
  missing: number;
}

/**
 * Removes from `<dataDir>/evidence` every temporary file (`<32 hex>.bin.tmp`) and every sealed file
 * (`<32 hex>.bin`, whatever its size) that no `tip_evidence` row names as original or preview; other
 * names are left alone. Counts the rows whose named file is absent (they are not changed: a row is
 * evidence, and the write order makes this a sign of outside damage, never of a crash).
 *
 * Synchronous, so nothing of this process can write a file meanwhile. Call it only while holding
 * the site lock (../../cli/site-lock.ts) and before the site serves or makes previews: only the
 * site writes evidence files, the lock is taken only when no other site runs on this DATA_DIR,
 * so every unnamed file is then a leftover, however young. (A second writing process without
 * that lock would need a grace period on young files instead.) A file that cannot be removed is
 * skipped. Returns the counts; a missing folder counts nothing.
 */
export function sweepOrphanEvidence(db: Db, dataDir: string): SweepResult {
  const dir = evidenceDir(dataDir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { removed: 0, missing: 0 };
  }
  const named = new Set<string>();
  for (const row of db.select({ original: tipEvidence.storageName, preview: tipEvidence.previewStorageName }).from(tipEvidence).all()) {
    named.add(row.original);
    if (row.preview) named.add(row.preview);
  }
  let removed = 0;
  for (const name of names) {
    if (!isTempStorageName(name) && !(isStorageName(name) && !named.has(name))) continue;
    try {
      rmSync(path.join(dir, name), { force: true });
      removed++;
    } catch {
      // a file that cannot be removed stays; it is named by no row
    }
  }
  const present = new Set(names);
  let missing = 0;
  for (const name of named) if (!present.has(name)) missing++;
  return { removed, missing };
}
