/**
 * `npm run seed:demo -- --count 10000 [--seed 42]`: replaces the demo workshops of DATA_DIR's
 * database with a freshly generated, deterministic set (default 3,000, seed 20261129). Official
 * records stay. Run `npm run reindex` (or restart `npm start`) afterwards.
 */
import { parseArgs } from 'node:util';
import { replaceDemo } from '../features/imports/import.server.ts';
import { todayInShanghai } from '../lib/dates.ts';
import { log, openData } from './bootstrap.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '3000' }, seed: { type: 'string' } } });
const count = Number(values.count);
const seed = values.seed === undefined ? undefined : Number(values.seed);
if (!Number.isSafeInteger(count) || count < 0 || count > 1_000_000 || (seed !== undefined && !Number.isSafeInteger(seed))) {
  console.error('usage: npm run seed:demo -- --count N (0–1000000) [--seed N]');
  process.exit(2);
}
const { db } = openData();
const r = replaceDemo(db, { count, seed, today: todayInShanghai() });
log(`demo data replaced: ${r.workshops} workshops, ${r.records} records; run npm run reindex to refresh search`);
