/**
 * Process-wide handles for the Astro server: the database connection and the Meilisearch client,
 * opened lazily from the configuration (src/config.ts). `npm start` runs migrations and starts
 * Meilisearch before the server is loaded, and passes MEILI_HOST / MEILI_API_KEY in the environment.
 */
import type { Meilisearch } from 'meilisearch';
import { loadConfig, type Config } from '../config.ts';
import { openDatabase, type Db } from '../db/client.ts';
import { meiliClient } from '../features/search/search.server.ts';
import { loadKek } from '../features/tips/envelope.server.ts';
import { BusySignal, createPreviewQueue, type PreviewQueue } from '../features/tips/previews.server.ts';

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

let previews: PreviewQueue | undefined;

/** Tip submissions in progress: the preview queue makes way for them. */
export const submissions = new BusySignal();

/**
 * The preview queue of this server (src/features/tips/previews.server.ts): kick it after a tip or
 * message with files is stored. The start command resets interrupted files and drains what an
 * earlier run left before the server is loaded.
 */
export function getPreviewQueue(): PreviewQueue {
  const c = getConfig();
  previews ??= createPreviewQueue({ db: getDb(), kek: loadKek(c.TIP_KEK, c.dataDir), dataDir: c.dataDir, log: (line) => process.stderr.write(`[fangxin ${new Date().toISOString()}] ${line}\n`) }, submissions);
  return previews;
}
