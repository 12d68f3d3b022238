/**
 * `npm start`: the whole site on one machine. Migrates the database, seeds an empty one (real
 * divisions, the official tables, demo workshops), starts and supervises a local Meilisearch when
 * MEILI_HOST is unset, builds the search index when it is missing or stale, builds the Astro server
 * when `dist/` is missing, then serves on HOST:PORT (default http://127.0.0.1:4321) through
 * site-server.ts (the search API in front of Astro's handler).
 * Every ten minutes, and so after midnight in Asia/Shanghai, a stale index is rebuilt: verdicts and
 * disclosure periods change with the date.
 *
 * SIGTERM or SIGINT, once the synchronous first steps are done: stop taking requests, let those in
 * flight finish for up to DRAIN_MS, stop Meilisearch (and a build in progress), close the database
 * and exit, within SHUTDOWN_LIMIT_MS whatever hangs; a second signal exits at once. The site lock
 * is released on every exit Node sees. At start, evidence files an interrupted run left without a
 * row are removed (../features/tips/orphans.server.ts), as is a Meilisearch it left running
 * (../features/search/local-meili.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type http from 'node:http';
import v8 from 'node:v8';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { seedIfEmpty } from '../features/imports/import.server.ts';
import { loadKek } from '../features/tips/envelope.server.ts';
import { createPreviewQueue, resetInterruptedPreviews } from '../features/tips/previews.server.ts';
import { sweepOrphanEvidence } from '../features/tips/orphans.server.ts';
import { isIndexStale, meiliClient, rebuildIndex } from '../features/search/search.server.ts';
import { todayInShanghai } from '../lib/dates.ts';
import { delay, tiedToThisProcess } from '../lib/processes.ts';
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

/** How long requests in flight may take to finish once a stop is asked for (ms). */
const DRAIN_MS = 2000;
/** A stop takes at most this long (ms), whatever hangs: under the 10 s a supervisor waits (playwright.config.ts). */
const SHUTDOWN_LIMIT_MS = 8000;

/** What a stop has to end, as far as the start has got. */
const running: { search?: Awaited<ReturnType<typeof connectSearch>>; server?: http.Server; build?: ChildProcess } = {};

/** Stops taking requests; resolves when those in flight have finished, or after DRAIN_MS with them cut off. */
async function closeServer(): Promise<void> {
  const server = running.server;
  if (!server?.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await Promise.race([closed, delay(DRAIN_MS)]);
  server.closeAllConnections();
}

/** Stops a build in progress (SIGTERM, SIGKILL after 2 s). */
async function stopBuild(): Promise<void> {
  const proc = running.build;
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  if (!(await Promise.race([exited.then(() => true), delay(2000).then(() => false)]))) proc.kill('SIGKILL');
}

let shuttingDown = false;
/** Stops the site and exits with `code` (see the module comment). */
function shutdown(reason: string, code = 0): void {
  if (shuttingDown) {
    if (reason.startsWith('SIG')) {
      log(`${reason} again: exiting now`);
      process.exit(code || 1);
    }
    return;
  }
  shuttingDown = true;
  log(`${reason}: stopping`);
  setTimeout(() => {
    log(`still stopping after ${SHUTDOWN_LIMIT_MS} ms: exiting now`);
    process.exit(code || 1);
  }, SHUTDOWN_LIMIT_MS);
  void Promise.allSettled([closeServer(), running.search?.local?.stop(), stopBuild()]).then(() => {
    try {
      db.$client.close();
    } finally {
      process.exit(code);
    }
  });
}
if (seedIfEmpty(db, { demoCount: config.DEMO_COUNT, today: todayInShanghai(), log })) log('database seeded');

// files of submissions a crash interrupted; before any preview or request can write a file
const swept = sweepOrphanEvidence(db, config.dataDir);
if (swept.removed > 0) log(`${swept.removed} evidence files without a record removed (left by an interrupted run)`);
if (swept.missing > 0) log(`WARNING: ${swept.missing} evidence records name a file that is missing from ${config.dataDir}/evidence`);

// evidence previews an earlier run did not finish are made in the background (previews.server.ts)
const interrupted = resetInterruptedPreviews(db);
if (interrupted > 0) log(`${interrupted} evidence previews interrupted earlier: queued again`);

// The steps above are synchronous: a handler could not run before they end, so until here a signal
// ends the process at once (the seeding is one transaction, rolled back; the lock is taken over).
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
createPreviewQueue({ db, kek: loadKek(config.TIP_KEK, config.dataDir), dataDir: config.dataDir, log }).kick();

const search = await connectSearch(config);
running.search = search;
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

if (!shuttingDown && (!existsSync(entry) || statSync(entry).mtimeMs < newestSource())) {
  log(existsSync(entry) ? 'building the site (sources changed since the last build)' : 'building the site (first start)');
  // not spawnSync: a signal must be able to stop the site (and the build) meanwhile
  const tied = tiedToThisProcess(process.execPath, [path.join(root, 'node_modules/astro/bin/astro.mjs'), 'build']);
  const proc = spawn(tied.command, tied.args, { cwd: root, stdio: 'inherit', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
  running.build = proc;
  const status = await new Promise<number>((resolve) => {
    proc.once('error', () => resolve(1));
    proc.once('exit', (code) => resolve(code ?? 1));
  });
  delete running.build;
  if (status !== 0) shutdown('build failed', status);
}

process.env.HOST = config.HOST;
process.env.PORT = String(config.PORT);
process.env.DATA_DIR = config.dataDir;
process.env.MEILI_HOST = search.host;
if (search.apiKey) process.env.MEILI_API_KEY = search.apiKey;

// the adapter's own server is not started: ours (site-server.ts) puts the search API in front of it
process.env.ASTRO_NODE_AUTOSTART = 'disabled';
if (!shuttingDown) {
  const { handler } = (await import(pathToFileURL(entry).href)) as { handler: AstroHandler };
  const edge = { publicOrigin: parsePublicOrigin(config.PUBLIC_ORIGIN), trustedProxies: parseTrustedProxies(config.TRUSTED_PROXIES) };
  const server = createSiteServer(handler, db, client, log, edge, (line) => process.stdout.write(line));
  running.server = server;
  server.on('error', (e) => {
    log(`cannot serve on ${config.HOST}:${config.PORT}: ${e.message}`);
    shutdown('error', 1);
  });
  const proxied = `${edge.publicOrigin ? `, public at ${edge.publicOrigin.origin}` : ''}${edge.trustedProxies.kind === 'none' ? '' : `, trusting X-Forwarded-For from ${edge.trustedProxies.kind === 'hops' ? `${edge.trustedProxies.hops} hop(s)` : edge.trustedProxies.text}`}`;
  if (!shuttingDown) server.listen(config.PORT, config.HOST, () => log(`serving on http://${config.HOST}:${config.PORT}${proxied}`));
}
