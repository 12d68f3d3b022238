/**
 * `npm run reindex`: rebuilds the Meilisearch index from SQLite, printing progress.
 * Uses MEILI_HOST when set, else the local Meilisearch of a running `npm start` on the same
 * DATA_DIR, else starts the local one for the duration of the run.
 */
import { meiliClient, rebuildIndex } from '../features/search/search.server.ts';
import { connectSearch, log, openData } from './bootstrap.ts';

const { config, db } = openData();
const search = await connectSearch(config, { reuse: true });
try {
  const r = await rebuildIndex(db, meiliClient(search), { onProgress: (done, total) => log(`indexed ${done}/${total}`) });
  log(`search index rebuilt: ${r.documents} documents in ${r.ms} ms`);
} finally {
  await search.local?.stop();
  db.$client.close();
}
