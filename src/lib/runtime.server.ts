/**
 * Process-wide handles for the Astro server: the database connection and the Meilisearch client,
 * opened lazily from the configuration (src/config.ts). `npm start` runs migrations and starts
 * Meilisearch before the server is loaded, and passes MEILI_HOST / MEILI_API_KEY in the environment.
 */
import type { Meilisearch } from 'meilisearch';
import { loadConfig, type Config } from '../config.ts';
import { openDatabase, type Db } from '../db/client.ts';
import { meiliClient } from '../features/search/search.server.ts';

let config: Config | undefined;
let db: Db | undefined;
let client: Meilisearch | undefined;

/** The parsed configuration. */
export function getConfig(): Config {
  config ??= loadConfig();
  return config;
}

/** The shared database connection. */
export function getDb(): Db {
  db ??= openDatabase(getConfig().dbFile);
  return db;
}

/** The shared Meilisearch client (server side only: it holds the admin or master key). */
export function getSearchClient(): Meilisearch {
  const c = getConfig();
  client ??= meiliClient({ host: c.MEILI_HOST ?? 'http://127.0.0.1:7700', apiKey: c.MEILI_API_KEY });
  return client;
}
