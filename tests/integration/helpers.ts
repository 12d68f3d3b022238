/**
 * Helpers of the integration tests: real SQLite databases with the committed migrations, the
 * repository's seeds, and a client of the real Meilisearch started by ./global-setup.ts.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Meilisearch } from 'meilisearch';
import { inject } from 'vitest';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { seedIfEmpty } from '../../src/features/imports/import.server.ts';
import { meiliClient } from '../../src/features/search/search.server.ts';
import { isPartyPublic, loadRecords } from '../../src/features/workshops/workshop.server.ts';
import { parties, type Party } from '../../src/db/schema.ts';

/** The day every integration test runs on (Asia/Shanghai). */
export const TODAY = '2026-11-29';

/** The repository's `seeds/` folder. */
export const SEEDS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../seeds');

/** An empty in-memory database with the real migrations applied. */
export function freshDb(): Db {
  const db = openDatabase(':memory:');
  migrateDatabase(db, ':memory:');
  return db;
}

/** An in-memory database seeded like a first start: divisions, official tables, `demoCount` demo workshops. */
export function seededDb(options: { demoCount: number }): Db {
  const db = freshDb();
  seedIfEmpty(db, { demoCount: options.demoCount, today: TODAY, dir: SEEDS_DIR });
  return db;
}

/** A client of the run's Meilisearch (see ./global-setup.ts). */
export function testClient(): Meilisearch {
  const apiKey = inject('meiliKey');
  return meiliClient({ host: inject('meiliHost'), apiKey: apiKey || undefined });
}

/** The parties shown to the public on TODAY (`isPartyPublic`): what the index must hold. */
export function publicParties(db: Db): Party[] {
  const records = loadRecords(db);
  return db
    .select()
    .from(parties)
    .all()
    .filter((p) => isPartyPublic(p, records, TODAY));
}
