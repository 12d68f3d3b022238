/**
 * `npm start`: the whole site on one machine. Migrates the database, seeds an empty one (real
 * divisions, the official tables, demo workshops), starts and supervises a local Meilisearch when
 * MEILI_HOST is unset, builds the search index when it is missing or stale, builds the Astro server
 * when `dist/` is missing, then serves on HOST:PORT (default http://127.0.0.1:4321) through
 * site-server.ts (the search API in front of Astro's handler).
 * Every ten minutes, and so after midnight in Asia/Shanghai, a stale index is rebuilt: verdicts and
 * disclosure periods change with the date.
 */
import { spawnSync } from 'node:child_process';
import v8 from 'node:v8';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { seedIfEmpty } from '../features/imports/import.server.ts';
import { loadKek } from '../features/tips/envelope.server.ts';
import { createPreviewQueue, resetInterruptedPreviews } from '../features/tips/previews.server.ts';
import { isIndexStale, meiliClient, rebuildIndex } from '../features/search/search.server.ts';
import { todayInShanghai } from '../lib/dates.ts';
import { connectSearch, log, openData } from './bootstrap.ts';
import { createSiteServer, type AstroHandler } from './site-server.ts';
import { releaseSiteLock, takeSiteLock } from './site-lock.ts';
import { parsePublicOrigin, parseTrustedProxies } from '../lib/forwarded.ts';

// Tip uploads allocate hundreds of MB of short-lived buffers (16 MB a tip, read, checked, sealed).
// V8 counts such memory against a small external limit of its own and starts a full collection
// each time it is crossed: ~50 a round of bench:tips. Counting it in the global heap limit instead
// cuts ~50 full collections a round to ~15 (README "Benchmarks"). The flag is read at each collection.
v8.setFlagsFromString('--external-memory-accounted-in-global-limit');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const entry = path.join(root, 'dist/server/entry.mjs');

const { config, db } = openData();
const holder = takeSiteLock(config.dataDir);
if (holder !== null) {
  log(`another site (pid ${holder}) is running on DATA_DIR ${config.dataDir}: stop it first, or start this one with another DATA_DIR`);
  process.exit(1);
}
process.on('exit', () => releaseSiteLock(config.dataDir));
if (seedIfEmpty(db, { demoCount: config.DEMO_COUNT, today: todayInShanghai(), log })) log('database seeded');

// evidence previews an earlier run did not finish are made in the background (previews.server.ts)
const interrupted = resetInterruptedPreviews(db);
if (interrupted > 0) log(`${interrupted} evidence previews interrupted earlier: queued again`);
createPreviewQueue({ db, kek: loadKek(config.TIP_KEK, config.dataDir), dataDir: config.dataDir, log }).kick();

const search = await connectSearch(config);
const client = meiliClient(search);

let indexing = false;
async function refreshIndex(): Promise<void> {
  if (indexing) return;
  indexing = true;
  try {
    if (await isIndexStale(db, client)) {
      log('building the search index');
      const r = await rebuildIndex(db, client, { onProgress: (done, total) => log(`indexed ${done}/${total}`) });
      log(`search index ready: ${r.documents} documents in ${r.ms} ms`);
    }
  } catch (e) {
    log(`search index not refreshed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    indexing = false;
  }
}
await refreshIndex();
setInterval(() => void refreshIndex(), 10 * 60 * 1000).unref();

/** Newest modification time (ms) of the files the site is built from. */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const dir of ['src', 'public', 'content']) if (existsSync(path.join(root, dir))) walk(path.join(root, dir));
  for (const file of ['astro.config.mjs', 'package-lock.json']) if (existsSync(path.join(root, file))) newest = Math.max(newest, statSync(path.join(root, file)).mtimeMs);
  return newest;
}

if (!existsSync(entry) || statSync(entry).mtimeMs < newestSource()) {
  log(existsSync(entry) ? 'building the site (sources changed since the last build)' : 'building the site (first start)');
  const built = spawnSync(process.execPath, [path.join(root, 'node_modules/astro/bin/astro.mjs'), 'build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
  if (built.status !== 0) {
    await search.local?.stop();
    process.exit(built.status ?? 1);
  }
}

process.env.HOST = config.HOST;
process.env.PORT = String(config.PORT);
process.env.DATA_DIR = config.dataDir;
process.env.MEILI_HOST = search.host;
if (search.apiKey) process.env.MEILI_API_KEY = search.apiKey;

let shuttingDown = false;
async function shutdown(signal: string, code = 0): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`${signal}: stopping`);
  await search.local?.stop();
  db.$client.close();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

// the adapter's own server is not started: ours (site-server.ts) puts the search API in front of it
process.env.ASTRO_NODE_AUTOSTART = 'disabled';
const { handler } = (await import(pathToFileURL(entry).href)) as { handler: AstroHandler };
const edge = { publicOrigin: parsePublicOrigin(config.PUBLIC_ORIGIN), trustedProxies: parseTrustedProxies(config.TRUSTED_PROXIES) };
const server = createSiteServer(handler, db, client, log, edge, (line) => process.stdout.write(line));
server.on('error', (e) => {
  log(`cannot serve on ${config.HOST}:${config.PORT}: ${e.message}`);
  void shutdown('error', 1);
});
server.listen(config.PORT, config.HOST, () => log(`serving on http://${config.HOST}:${config.PORT}${edge.publicOrigin ? `, public at ${edge.publicOrigin.origin}` : ''}${edge.trustedProxies.kind === 'none' ? '' : `, trusting X-Forwarded-For from ${edge.trustedProxies.kind === 'hops' ? `${edge.trustedProxies.hops} hop(s)` : edge.trustedProxies.text}`}`));
