/**
 * Search benchmark (`npm run bench:search [-- --count N]`): prints figures, asserts nothing.
 *
 * 1. Seeds a temporary DATA_DIR like a first start: migrations, divisions, the official tables and
 *    `--count` (default 100,000) generated demo workshops; prints generation / import time and RSS.
 * 2. Starts a local Meilisearch on that folder and rebuilds the index (target ≤ 60 s).
 * 3. Starts the site (`node src/cli/start.ts`) on a free port against the same folder and the same
 *    Meilisearch, and waits for /healthz.
 * 4. Runs one fixed query mix against Meilisearch directly (exactly `meiliRequestFor(query)`) and
 *    against `GET /api/v1/search`: sequential latency (sides interleaved) and throughput at
 *    concurrency 8 (sides in A-B-B-A order); prints a table, the API/direct ratios (target p50
 *    ≤ 1.3) and peak RSS of the site, Meilisearch and this process. A third side, the floor, is
 *    a minimal HTTP proxy process (tests/bench/floor-proxy.ts): what any service in front of
 *    Meilisearch costs on this machine, so the API's own share can be told from the hop's.
 * 5. Stops the site, the floor proxy and Meilisearch by PID and removes the folder, also on an error or SIGINT.
 *
 * All traffic goes to 127.0.0.1; every loop is bounded in count and time. The process exits
 * non-zero only on a real error (a failed step, a degraded or failing API).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Meilisearch } from 'meilisearch';
import { generateDemo } from '../../seeds/demo/generate.ts';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { divisions, meta } from '../../src/db/schema.ts';
import { countiesForDemo, DEMO_SEED, importDemo, importDivisions, importOfficialDir, seedsDir } from '../../src/features/imports/import.server.ts';
import { superviseMeilisearch, type LocalMeili } from '../../src/features/search/local-meili.ts';
import { meiliClient, meiliRequestFor, rebuildIndex } from '../../src/features/search/search.server.ts';
import { buildIfMissing, cleanUpOnSignals, launchSite, mib, percentile, procStatusKb, say, stopSite } from './lib.ts';
import { INDEX_UID, parseSearchParams, type SearchQuery } from '../../src/features/search/search.ts';
import { todayInShanghai } from '../../src/lib/dates.ts';


/** Reindex target (DESIGN budget): a full rebuild of 100,000 workshops within 60 s. */
const REINDEX_TARGET_MS = 60_000;
/** Target of the API's median latency relative to a direct Meilisearch call. */
const P50_RATIO_TARGET = 1.3;
const WARMUP_PER_SIDE = 50;
const SEQUENTIAL_PER_SIDE = 600;
/** Upper bound of the whole sequential phase, whatever the latencies. */
const SEQUENTIAL_DEADLINE_MS = 180_000;
const CONCURRENCY = 8;
/** Throughput time per side, split in two halves run in A-B-B-A order. */
const THROUGHPUT_MS_PER_SIDE = 10_000;
/** Upper bound of requests per throughput half, whatever the speed. */
const THROUGHPUT_MAX_REQUESTS = 500_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** How long the site may take to answer /healthz (start.ts may rebuild dist/ first). */
const SITE_START_TIMEOUT_MS = 600_000;

/**
 * The query mix, as `/api/v1/search` query strings: Chinese names, products and places, a
 * registration no. and its tail, pinyin and initials, filters, a page 2, sorts, browsing.
 */
const QUERY_MIX: readonly string[] = [
  'q=米粉',
  'q=腊肉',
  'q=豆腐坊',
  'q=南昌 米粉',
  'q=赣州',
  'q=鸿运',
  'q=加工坊',
  'q=XZF36010200001',
  'q=00012',
  'q=mifen',
  'q=llmf',
  'q=米粉&city=360100',
  'q=米粉&county=360102',
  'q=腊肉&status=good',
  'q=米粉&page=2',
  'q=豆腐&sort=name',
  'q=&city=360700',
  'q=&status=warning',
  'q=酒',
  'q=年糕',
  'q=辣椒酱',
  'q=老李米粉坊',
  'q=米酒&city=360700',
  'q=豆干&county=360121',
  'q=南丰',
  'q=加工坊&page=3',
  'q=doufu&sort=name',
  'q=腊肉&category=肉制品',
  'q=米粉&status=attention&city=360100',
  'q=东湖 加工坊&sort=updated',
  'q=文港 腊肉',
];

/**
 * `direct`: the site's own client (`meiliClient`); `api`: the site; `floor`: the minimal proxy
 * process (tests/bench/floor-proxy.ts) making the same Meilisearch request.
 */
type Side = 'direct' | 'api' | 'floor';
const SIDES: readonly Side[] = ['direct', 'api', 'floor'];
/** Orders of one round of interleaved calls: each side goes first, second and third in turn. */
const ROTATIONS: readonly (readonly Side[])[] = [
  ['direct', 'api', 'floor'],
  ['api', 'floor', 'direct'],
  ['floor', 'direct', 'api'],
];

/** One entry of the mix: the query string and the parsed query both sides use. */
interface MixEntry {
  qs: string;
  query: SearchQuery;
}

/** Outcome of a timed loop on one side. */
interface LoopResult {
  latencies: number[];
  ok: number;
  errors: number;
  errorSamples: string[];
  elapsedMs: number;
}

/** `--count N` / `--count=N` (default 100,000). */
function parseCount(argv: string[]): number {
  let raw: string | undefined;
  argv.forEach((a, i) => {
    if (a === '--count') raw = argv[i + 1];
    else if (a.startsWith('--count=')) raw = a.slice('--count='.length);
  });
  if (raw === undefined) return 100_000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new Error(`--count must be an integer from 0 to 1000000, got ${raw}`);
  return n;
}

/** Formats milliseconds with two decimals. */
function ms(v: number): string {
  return Number.isFinite(v) ? v.toFixed(2) : 'n/a';
}

/** The `total` of a `/api/v1/search` answer; throws when it is malformed or degraded. */
function apiTotal(body: unknown): number {
  if (typeof body !== 'object' || body === null) throw new Error('API answer is not an object');
  const { total, degraded } = body as { total?: unknown; degraded?: unknown };
  if (degraded !== false) throw new Error('API answered in degraded mode (SQLite fallback)');
  if (typeof total !== 'number') throw new Error('API answer has no total');
  return total;
}

/** Calls of one side; each resolves to the total number of hits. */
type Caller = (entry: MixEntry) => Promise<number>;

/** The direct sides: exactly the Meilisearch request the API makes, through `client`. */
function directCaller(client: Meilisearch): Caller {
  return async (entry) => {
    const { q, params } = meiliRequestFor(entry.query);
    const res = await client.index(INDEX_UID).search(q, params);
    return res.totalHits ?? 0;
  };
}

/** An HTTP side: `GET <base><path>?<qs>` — the site's `/api/v1/search`, or the floor proxy's `/`. */
function apiCaller(base: string, pathname = '/api/v1/search'): Caller {
  return async (entry) => {
    const res = await fetch(`${base}${pathname}?${new URLSearchParams(entry.qs).toString()}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    if (res.status !== 200) {
      const text = await res.text();
      throw new Error(`HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
    return apiTotal(await res.json());
  };
}

function emptyLoop(): LoopResult {
  return { latencies: [], ok: 0, errors: 0, errorSamples: [], elapsedMs: 0 };
}

/** Times one call into `into`; an error is counted, not thrown. */
async function timed(call: Caller, entry: MixEntry, into: LoopResult): Promise<void> {
  const start = performance.now();
  try {
    await call(entry);
    into.latencies.push(performance.now() - start);
    into.ok++;
  } catch (e) {
    into.errors++;
    if (into.errorSamples.length < 3) into.errorSamples.push(e instanceof Error ? e.message : String(e));
  }
}

/** An empty result per side. */
function emptyLoops(): Record<Side, LoopResult> {
  return { direct: emptyLoop(), api: emptyLoop(), floor: emptyLoop() };
}

/**
 * Sequential latency: `perSide` requests per side cycling the mix, the sides interleaved (each
 * goes first, second and third in turn), stopped at `deadlineMs` in any case.
 */
async function sequential(mix: MixEntry[], callers: Record<Side, Caller>, perSide: number, deadlineMs: number): Promise<Record<Side, LoopResult>> {
  const out = emptyLoops();
  const stopAt = performance.now() + deadlineMs;
  const started = performance.now();
  for (let i = 0; i < perSide && performance.now() < stopAt; i++) {
    const entry = mix[i % mix.length];
    if (!entry) continue;
    for (const side of ROTATIONS[i % ROTATIONS.length] ?? SIDES) await timed(callers[side], entry, out[side]);
  }
  const elapsed = performance.now() - started;
  for (const side of SIDES) out[side].elapsedMs = elapsed;
  return out;
}

/** Closed-loop load: `concurrency` workers cycling the mix for `durationMs` (at most `maxRequests`). */
async function load(mix: MixEntry[], call: Caller, concurrency: number, durationMs: number, maxRequests: number, into: LoopResult): Promise<void> {
  let next = 0;
  const started = performance.now();
  const stopAt = started + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < stopAt && next < maxRequests) {
      const entry = mix[next++ % mix.length];
      if (entry) await timed(call, entry, into);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  into.elapsedMs += performance.now() - started;
}

/** Seeds the database like a first start, timing each step. */
function seed(db: Db, count: number, today: string): void {
  let started = performance.now();
  const d = importDivisions(db, readFileSync(path.join(seedsDir, 'divisions.csv'), 'utf8'));
  const official = importOfficialDir(db, path.join(seedsDir, 'official'));
  say(`divisions ${d}, official records ${official.records} (${official.parties} parties) in ${((performance.now() - started) / 1000).toFixed(2)} s`);

  started = performance.now();
  const data = generateDemo({ count, seed: DEMO_SEED, today, counties: countiesForDemo(db.select().from(divisions).all()) });
  const genMs = performance.now() - started;
  say(`GENERATION: ${data.workshops.length} workshops, ${data.exposures.length} exposures in ${(genMs / 1000).toFixed(2)} s (peak RSS so far ${mib(procStatusKb('self', 'VmHWM'))})`);

  started = performance.now();
  const r = importDemo(db, data);
  db.insert(meta).values({ key: 'seededAt', value: new Date().toISOString() }).run();
  const importMs = performance.now() - started;
  say(`IMPORT: ${r.workshops} workshops, ${r.records} records in ${(importMs / 1000).toFixed(2)} s (peak RSS so far ${mib(procStatusKb('self', 'VmHWM'))})`);
}

/** Everything cleanup has to stop or remove. */
interface Resources {
  dataDir: string | null;
  db: Db | null;
  meili: LocalMeili | null;
  site: ChildProcess | null;
  floor: ChildProcess | null;
}

const resources: Resources = { dataDir: null, db: null, meili: null, site: null, floor: null };

let cleaning: Promise<void> | null = null;
/** Stops the site and Meilisearch, closes the database, removes the temporary folder. Idempotent. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    if (resources.site) await stopSite(resources.site).catch((e: unknown) => say(`could not stop the site: ${String(e)}`));
    if (resources.floor && resources.floor.exitCode === null) resources.floor.kill('SIGTERM');
    if (resources.meili) await resources.meili.stop().catch((e: unknown) => say(`could not stop Meilisearch: ${String(e)}`));
    try {
      resources.db?.$client.close();
    } catch {
      // already closed
    }
    if (resources.dataDir) rmSync(resources.dataDir, { recursive: true, force: true });
    say('cleaned up (site and Meilisearch stopped, temporary DATA_DIR removed)');
  })();
  return cleaning;
}

cleanUpOnSignals(cleanup);

/** Starts the floor proxy (tests/bench/floor-proxy.ts) against `meili`; resolves to its base URL. */
function startFloorProxy(meili: LocalMeili): Promise<string> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'floor-proxy.ts')], {
    env: { ...process.env, MEILI_HOST: meili.host, MEILI_API_KEY: meili.masterKey },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  resources.floor = child;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the floor proxy did not start within 30 s')), 30_000);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /listening (\d+)/u.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the floor proxy exited (code ${String(code)})`));
    });
  });
}

/** Starts the site against `dataDir` and `meili`; resolves once /healthz answers 200 with search ok. */
function startSite(dataDir: string, meili: LocalMeili): Promise<{ base: string; pid: number }> {
  return launchSite({
    env: { ...process.env, DATA_DIR: dataDir, MEILI_HOST: meili.host, MEILI_API_KEY: meili.masterKey },
    timeoutMs: SITE_START_TIMEOUT_MS,
    onSpawn: (child) => {
      resources.site = child;
    },
    ready: (body) => (body.search?.status === 'ok' ? `index ${body.search.documents ?? '?'} documents` : null),
  });
}

/** The benchmark. */
async function main(): Promise<void> {
  const count = parseCount(process.argv.slice(2));
  const today = todayInShanghai();
  const mix: MixEntry[] = QUERY_MIX.map((qs) => {
    const parsed = parseSearchParams(new URLSearchParams(qs));
    if (!parsed.success) throw new Error(`query mix entry ${qs} is invalid: ${parsed.error.message}`);
    return { qs, query: parsed.data };
  });
  say(`Fangxin search benchmark: ${count} demo workshops, today ${today}, ${os.cpus().length} CPUs, node ${process.version}`);

  // 1. data
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fangxin-bench-'));
  resources.dataDir = dataDir;
  say(`DATA_DIR ${dataDir}`);
  const dbFile = path.join(dataDir, 'fangxin.db');
  const db = openDatabase(dbFile);
  resources.db = db;
  migrateDatabase(db, dbFile);
  seed(db, count, today);

  // 2. index
  const meili = await superviseMeilisearch({ dataDir, log: (line) => say(`[meili] ${line}`) });
  resources.meili = meili;
  const client = meiliClient({ host: meili.host, apiKey: meili.masterKey });
  const reindexStart = performance.now();
  const rebuilt = await rebuildIndex(db, client, {
    today,
    onProgress: (done, total) => say(`indexed ${done}/${total} (${((performance.now() - reindexStart) / 1000).toFixed(1)} s)`),
  });
  const reindexMs = performance.now() - reindexStart;
  say(
    `FULL REINDEX TIME: ${(reindexMs / 1000).toFixed(1)} s for ${rebuilt.documents} documents (rebuildIndex says ${rebuilt.ms} ms) — target ≤ ${REINDEX_TARGET_MS / 1000} s: ${reindexMs <= REINDEX_TARGET_MS ? 'PASS' : 'MISS'}`,
  );
  say(`peak RSS after reindex: bench ${mib(procStatusKb('self', 'VmHWM'))}, meilisearch ${mib(procStatusKb(meili.pid() ?? 0, 'VmHWM'))}`);
  db.$client.close();
  resources.db = null;

  // 3. site
  buildIfMissing();
  const site = await startSite(dataDir, meili);

  const floorBase = await startFloorProxy(meili);
  const callers: Record<Side, Caller> = { direct: directCaller(client), api: apiCaller(site.base), floor: apiCaller(floorBase, '/') };

  // same totals on every side, or the comparison is meaningless
  const totals: { qs: string; direct: number; api: number; floor: number }[] = [];
  for (const entry of mix) totals.push({ qs: entry.qs, direct: await callers.direct(entry), api: await callers.api(entry), floor: await callers.floor(entry) });
  const mismatched = totals.filter((t) => t.direct !== t.api || t.direct !== t.floor);
  if (mismatched.length) say(`WARNING: totals differ between the sides for ${mismatched.map((t) => `${t.qs} (${t.direct} / ${t.api} / ${t.floor})`).join(', ')}`);

  // 4. warm-up, sequential latency, throughput
  const warm = await sequential(mix, callers, WARMUP_PER_SIDE, 60_000);
  const warmErrors = SIDES.flatMap((side) => warm[side].errorSamples);
  if (warmErrors.length) throw new Error(`errors during warm-up: ${warmErrors.join('; ')}`);
  say(`warm-up done (${WARMUP_PER_SIDE} requests per side)`);

  const seq = await sequential(mix, callers, SEQUENTIAL_PER_SIDE, SEQUENTIAL_DEADLINE_MS);
  say(`sequential done: ${SIDES.map((side) => `${seq[side].ok + seq[side].errors} ${side}`).join(' + ')} requests in ${(seq.direct.elapsedMs / 1000).toFixed(1)} s`);

  const thr = emptyLoops();
  const half = THROUGHPUT_MS_PER_SIDE / 2;
  for (const side of [...SIDES, ...[...SIDES].reverse()]) {
    await load(mix, callers[side], CONCURRENCY, half, THROUGHPUT_MAX_REQUESTS, thr[side]);
    say(`throughput half done: ${side}`);
  }

  const siteHwm = procStatusKb(site.pid, 'VmHWM');
  const siteRss = procStatusKb(site.pid, 'VmRSS');
  const meiliHwm = procStatusKb(meili.pid() ?? 0, 'VmHWM');

  // a short interleaved pass per query (10 calls per side), to show where a gap comes from
  const perQuery = new Map<string, Record<Side, LoopResult>>();
  for (const entry of mix) {
    const row = emptyLoops();
    for (let i = 0; i < 9; i++) for (const side of ROTATIONS[i % ROTATIONS.length] ?? SIDES) await timed(callers[side], entry, row[side]);
    perQuery.set(entry.qs, row);
  }

  // report
  const sorted = (v: number[]) => [...v].sort((a, b) => a - b);
  const rps = (r: LoopResult) => r.ok / (r.elapsedMs / 1000);
  const label: Record<Side, string> = { direct: 'direct', api: 'api', floor: 'floor' };
  const lines: string[] = [];
  lines.push('');
  lines.push(`=== search: direct Meilisearch vs GET /api/v1/search (${count} demo workshops, ${rebuilt.documents} documents) ===`);
  lines.push(
    `query mix: ${mix.length} queries; sequential ${SEQUENTIAL_PER_SIDE}/side interleaved; throughput concurrency ${CONCURRENCY}, ${THROUGHPUT_MS_PER_SIDE / 1000} s/side (two halves, ${[...SIDES, ...[...SIDES].reverse()].join('-')})`,
  );
  lines.push('direct = meiliClient() + meiliRequestFor(query), as the API does; api = GET /api/v1/search; floor = a minimal Node proxy making the same call (tests/bench/floor-proxy.ts)');
  lines.push('');
  lines.push('side    | seq n | seq p50 ms | seq p95 ms | seq p99 ms | seq mean ms | seq err | thr req/s | thr n  | thr err | load p50 ms | load p95 ms');
  lines.push('--------|-------|------------|------------|------------|-------------|---------|-----------|--------|---------|-------------|------------');
  const stats: Record<Side, { p50: number; p95: number }> = { direct: { p50: NaN, p95: NaN }, api: { p50: NaN, p95: NaN }, floor: { p50: NaN, p95: NaN } };
  for (const side of SIDES) {
    const s = sorted(seq[side].latencies);
    const l = sorted(thr[side].latencies);
    const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
    stats[side] = { p50: percentile(s, 50), p95: percentile(s, 95) };
    lines.push(
      [
        label[side].padEnd(7),
        String(s.length).padStart(5),
        ms(stats[side].p50).padStart(10),
        ms(stats[side].p95).padStart(10),
        ms(percentile(s, 99)).padStart(10),
        ms(mean).padStart(11),
        String(seq[side].errors).padStart(7),
        rps(thr[side]).toFixed(0).padStart(9),
        String(thr[side].ok).padStart(6),
        String(thr[side].errors).padStart(7),
        ms(percentile(l, 50)).padStart(11),
        ms(percentile(l, 95)).padStart(11),
      ].join(' | '),
    );
  }
  const r50 = stats.api.p50 / stats.direct.p50;
  lines.push('');
  lines.push(`RATIO API/direct p50: ${r50.toFixed(2)} (target ≤ ${P50_RATIO_TARGET}: ${r50 <= P50_RATIO_TARGET ? 'PASS' : 'MISS'})`);
  lines.push(`RATIO API/direct p95: ${(stats.api.p95 / stats.direct.p95).toFixed(2)}`);
  lines.push(`RATIO API/direct throughput: ${(rps(thr.api) / rps(thr.direct)).toFixed(2)}`);
  lines.push(`FLOOR (any HTTP service in front of Meilisearch here): floor/direct p50 ${(stats.floor.p50 / stats.direct.p50).toFixed(2)}, p95 ${(stats.floor.p95 / stats.direct.p95).toFixed(2)}; the API's own share: API/floor p50 ${(stats.api.p50 / stats.floor.p50).toFixed(2)} (+${ms(stats.api.p50 - stats.floor.p50)} ms)`);
  const stalls = (side: Side) => seq[side].latencies.filter((v) => v >= 35).length;
  lines.push(`sequential calls ≥ 35 ms (delayed-ACK stalls): ${SIDES.map((side) => `${label[side]} ${stalls(side)}/${seq[side].latencies.length}`).join(', ')}`);
  lines.push('');
  lines.push(`peak RSS: site (pid ${site.pid}) ${mib(siteHwm)} (current ${mib(siteRss)}); meilisearch (pid ${meili.pid() ?? '?'}) ${mib(meiliHwm)}; bench ${mib(procStatusKb('self', 'VmHWM'))}`);
  for (const side of SIDES) {
    const samples = [...seq[side].errorSamples, ...thr[side].errorSamples];
    if (samples.length) lines.push(`errors (${side}): ${samples.join(' | ')}`);
  }
  lines.push('');
  lines.push('per query (9 interleaved calls per side, medians in ms):');
  lines.push(`  ${'query'.padEnd(40)}   hits |  direct |     api |   floor | api/direct`);
  for (const t of totals) {
    const row = perQuery.get(t.qs) ?? emptyLoops();
    const med = (side: Side) => percentile(sorted(row[side].latencies), 50);
    lines.push(`  ${t.qs.padEnd(40)} ${String(t.direct).padStart(6)} | ${ms(med('direct')).padStart(7)} | ${ms(med('api')).padStart(7)} | ${ms(med('floor')).padStart(7)} | ${(med('api') / med('direct')).toFixed(2)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  const failures = SIDES.reduce((n, side) => n + seq[side].errors + thr[side].errors, 0);
  if (failures > 0) throw new Error(`${failures} requests failed (see the errors above)`);
}

try {
  await main();
  await cleanup();
} catch (e) {
  say(`ERROR: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  await cleanup();
  process.exitCode = 1;
}
