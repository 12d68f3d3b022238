/**
 * Opening the SQLite database: one better-sqlite3 connection per process, WAL mode, foreign keys on,
 * and a busy timeout so that a second process waits instead of failing.
 */
import { chmodSync } from 'node:fs';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Blocks the thread for `ms` (used only while another process holds a lock at start-up). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Switches a file database to WAL. Changing the journal mode needs the file to itself, and SQLite
 * may answer SQLITE_BUSY at once (without the busy handler) while a second process is opening the
 * same new file: retry for up to 15 s.
 */
function enableWal(sqlite: Database.Database): void {
  for (let attempt = 0; ; attempt++) {
    try {
      sqlite.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') || attempt >= 150) throw e;
      sleepSync(100);
    }
  }
}

/** Sets mode 0600 on the database file and its -wal/-shm files when they exist and are ours. */
function restrictMode(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      chmodSync(f, 0o600);
    } catch {
      // not there yet, or not ours: SQLite creates -wal/-shm with the database file's mode
    }
  }
}

/** Opens (creating if needed) the database at `file` (`:memory:` for tests), readable by this user only (0600). */
export function openDatabase(file: string): Db {
  const sqlite = new Database(file);
  // password and session hashes, tips' own text: readable by this user only (WAL files follow)
  if (file !== ':memory:') restrictMode(file);
  sqlite.pragma('busy_timeout = 15000');
  if (file !== ':memory:') enableWal(sqlite);
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  return drizzle(sqlite, { schema });
}
