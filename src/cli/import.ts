/**
 * `npm run import -- sampling FILE.csv --meta FILE.meta.json` or `npm run import -- penalties FILE.csv`
 * (CSV or XLSX, decided from the bytes): imports an official table (published layout, see
 * features/imports/official.ts) into DATA_DIR's database with the same code as the seed import and
 * the staff upload (parties matched by credit code, registration no., then name + county; unmatched
 * ones created). Prints per-row errors and writes nothing when
 * any row is invalid. The search documents of the parties it touched are then updated
 * incrementally (MEILI_HOST, or the local Meilisearch of a running `npm start`); when no search
 * engine answers, the next start rebuilds the stale index.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { commitPenalties, commitSampling, type ImportSummary } from '../features/imports/import.server.ts';
import { meiliClient, reindexParties } from '../features/search/search.server.ts';
import { runningLocalMeili } from '../features/search/local-meili.ts';
import { announcementSchema, LayoutError, type PenaltyRow, type SamplingRow } from '../features/imports/official.ts';
import { readTableFile, type ReadTable } from '../features/imports/tables.ts';
import { log, openData } from './bootstrap.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { meta: { type: 'string' } } });
const [kind, file] = positionals;
if ((kind !== 'sampling' && kind !== 'penalties') || !file) {
  console.error('usage: npm run import -- sampling FILE.csv --meta FILE.meta.json | penalties FILE.csv');
  process.exit(2);
}
const { config, db } = openData();
let read: ReadTable;
try {
  read = await readTableFile(kind, readFileSync(file));
} catch (e) {
  if (!(e instanceof LayoutError)) throw e;
  console.error(e.message);
  process.exit(1);
}
const parsed = read.parsed;
if (parsed.errors.length) {
  for (const e of parsed.errors) console.error(`第${e.row}行 ${e.column ?? ''}: ${e.message}`);
  process.exit(1);
}
if (kind === 'sampling') {
  if (!values.meta) {
    console.error('sampling tables need --meta FILE.meta.json (title, announcementDate, authority, category)');
    process.exit(2);
  }
  const announcement = announcementSchema.parse(JSON.parse(readFileSync(values.meta, 'utf8')));
  const s = commitSampling(db, parsed.rows as SamplingRow[], announcement);
  log(`imported ${s.records} sampling records (${s.parties} new parties, ${s.skipped} already on file)`);
  await updateSearch(s);
} else {
  const s = commitPenalties(db, parsed.rows as PenaltyRow[]);
  log(`imported ${s.records} penalties (${s.parties} new parties, ${s.skipped} already on file)`);
  await updateSearch(s);
}

async function updateSearch(summary: ImportSummary): Promise<void> {
  const local = config.MEILI_HOST ? null : await runningLocalMeili(config.dataDir);
  const conn = config.MEILI_HOST ? { host: config.MEILI_HOST, apiKey: config.MEILI_API_KEY } : local ? { host: local.host, apiKey: local.masterKey } : null;
  if (!conn) {
    log('no search engine is running: the index is rebuilt at the next start');
    return;
  }
  const ms = await reindexParties(db, meiliClient(conn), summary.partyIds);
  log(`search updated for ${new Set(summary.partyIds).size} parties in ${ms} ms`);
}
