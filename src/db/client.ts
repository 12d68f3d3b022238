/**
 * Opening the SQLite database: one better-sqlite3 connection per process, WAL mode, foreign keys on,
 * and a busy timeout so that a second process waits instead of failing.
 */
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Opens (creating if needed) the database at `file` (`:memory:` for tests). */
export function openDatabase(file: string): Db {
  const sqlite = new Database(file);
  sqlite.pragma('busy_timeout = 15000');
  if (file !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  return drizzle(sqlite, { schema });
}
