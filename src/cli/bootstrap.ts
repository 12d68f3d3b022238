/**
 * What every command-line entry point does first: read the configuration, open the database and
 * bring its schema up to date, and reach Meilisearch (the configured one, or a supervised local
 * one when MEILI_HOST is unset). No `astro:*` imports here.
 */
import { mkdirSync } from 'node:fs';
import { loadConfig, type Config } from '../config.ts';
import { openDatabase, type Db } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { runningLocalMeili, superviseMeilisearch, type LocalMeili } from '../features/search/local-meili.ts';

/** A one-line log to stderr, prefixed with the time; never carries personal data. */
export function log(line: string): void {
  process.stderr.write(`[fangxin ${new Date().toISOString()}] ${line}\n`);
}

/** Configuration + migrated database. */
export function openData(): { config: Config; db: Db } {
  const config = loadConfig();
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const db = openDatabase(config.dbFile);
  migrateDatabase(db, config.dbFile);
  return { config, db };
}

/**
 * The Meilisearch to use: `{ host, apiKey }`, and the local instance when this process started
 * one. Order: MEILI_HOST; else (`reuse`) the local instance a running `npm start` supervises for
 * this DATA_DIR; else a new supervised local one.
 */
export async function connectSearch(config: Config, options: { reuse?: boolean } = {}): Promise<{ host: string; apiKey?: string; local: LocalMeili | null }> {
  if (config.MEILI_HOST) return { host: config.MEILI_HOST, apiKey: config.MEILI_API_KEY, local: null };
  if (options.reuse) {
    const running = await runningLocalMeili(config.dataDir);
    if (running) return { host: running.host, apiKey: running.masterKey, local: null };
  }
  const local = await superviseMeilisearch({ dataDir: config.dataDir, binOverride: config.MEILI_BIN, port: config.MEILI_PORT, log });
  return { host: local.host, apiKey: local.masterKey, local };
}
