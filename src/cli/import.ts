/**
 * `npm run import -- sampling FILE.csv --meta FILE.meta.json` or `npm run import -- penalties FILE.csv`:
 * imports an official table (published layout, see features/imports/official.ts) into DATA_DIR's
 * database with the same code as the seed import. Prints per-row errors and writes nothing when
 * any row is invalid. Run `npm run reindex` (or restart) afterwards to refresh the search index.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { commitPenalties, commitSampling } from '../features/imports/import.server.ts';
import { announcementSchema, parsePenaltyTable, parseSamplingTable } from '../features/imports/official.ts';
import { log, openData } from './bootstrap.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { meta: { type: 'string' } } });
const [kind, file] = positionals;
if ((kind !== 'sampling' && kind !== 'penalties') || !file) {
  console.error('usage: npm run import -- sampling FILE.csv --meta FILE.meta.json | penalties FILE.csv');
  process.exit(2);
}
const { db } = openData();
const text = readFileSync(file, 'utf8');
const parsed = kind === 'sampling' ? parseSamplingTable(text) : parsePenaltyTable(text);
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
  const s = commitSampling(db, parsed.rows as ReturnType<typeof parseSamplingTable>['rows'], announcement);
  log(`imported ${s.records} sampling records (${s.parties} new parties, ${s.skipped} already on file)`);
} else {
  const s = commitPenalties(db, parsed.rows as ReturnType<typeof parsePenaltyTable>['rows']);
  log(`imported ${s.records} penalties (${s.parties} new parties, ${s.skipped} already on file)`);
}
