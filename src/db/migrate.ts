/**
 * Applies the committed drizzle migrations (src/db/migrations) to a database.
 *
 * Safe when two processes start at once on an empty file: drizzle's migrator reads the applied
 * migrations before it opens its transaction, so two racing processes would both apply the first
 * migration. The whole run is therefore serialised by a write lock (`BEGIN IMMEDIATE`) held on a
 * small lock database beside the data file; SQLite releases it if the process dies.
 */
import Database from 'better-sqlite3';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Db } from './client.ts';

/** The folder of the committed migrations. */
export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Brings the schema of `db` up to date; `dbFile` is its path (`:memory:` needs no lock). */
export function migrateDatabase(db: Db, dbFile: string): void {
  if (dbFile === ':memory:') {
    migrate(db, { migrationsFolder });
    return;
  }
  const lock = new Database(`${dbFile}.migrate-lock`);
  try {
    lock.pragma('busy_timeout = 60000');
    lock.exec('BEGIN IMMEDIATE');
    try {
      migrate(db, { migrationsFolder });
    } finally {
      lock.exec('COMMIT');
    }
  } finally {
    lock.close();
  }
}
