/**
 * Tip submission benchmark (`npm run bench:tips [-- --rounds N]`), issue #4 point 11: "20
 * concurrent submissions with three 5 MB photos each; prints p95, errors and peak memory. Target:
 * p95 ≤ 1.5 s, no errors." Prints figures; exits non-zero only on a real error (a failed step).
 *
 * 1. Builds the site when dist/server/entry.mjs is missing.
 * 2. Starts the site (`node src/cli/start.ts`, which also starts its own local Meilisearch) on a
 *    free port of 127.0.0.1 with a temporary DATA_DIR, DEMO_COUNT=100 and TIP_RATE_LIMIT=100000
 *    (the default 10 tips an hour per address would refuse a load test), and waits for /healthz.
 * 3. Generates three distinct ~5 MB JPEG photos with sharp (random pixels, 2600×2000, quality 95,
 *    so they do not compress smaller); the first carries EXIF orientation and GPS tags.
 * 4. Warms up with 2 sequential submissions, then runs `--rounds` (default 3) rounds of 20
 *    concurrent submissions (bodies encoded before the clock starts), each a multipart POST of the tip form with the three photos to
 *    `/report?_action=tips.submit` (with the `Origin` header Astro's checkOrigin requires) and a
 *    unique submission token. A success is a 200 page containing 举报已提交.
 * 5. Waits for the site's preview queue (src/features/tips/previews.server.ts) to make every
 *    preview, which it does after the receipts, and prints how long that took.
 * 6. Prints count, errors (with status codes), p50/p95/max, req/s, the site's peak RSS (VmHWM),
 *    PASS/MISS against the target, the evidence files written under DATA_DIR/evidence (two per
 *    photo: sealed original and preview), and, to show where the time goes, one uncontended
 *    submission and the in-process cost of each server step (argon2id, inspection on receipt,
 *    sealing; the preview re-encode the queue does afterwards) on the same photos.
 * 7. Stops the site by its process group and removes the folder, also on an error or SIGINT.
 *
 * All traffic goes to 127.0.0.1; every loop is bounded in count and time.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { hash, type Options } from '@node-rs/argon2';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { seal } from '../../src/features/tips/envelope.server.ts';
import { inspectEvidence, makePreview } from '../../src/features/tips/evidence.server.ts';
import { EVIDENCE_LIMITS } from '../../src/features/tips/evidence.ts';
import { buildIfMissing, cleanUpOnSignals, launchSite, mib, percentile, procStatusKb, say, stopSite } from './lib.ts';


/** Target of issue #4 point 11: p95 latency of a submission under 20 concurrent ones. */
const P95_TARGET_MS = 1500;
const CONCURRENCY = 20;
const WARMUP_SUBMISSIONS = 2;
const DEFAULT_ROUNDS = 3;
const MAX_ROUNDS = 50;
const PHOTO_COUNT = 3;
const PHOTO_WIDTH = 2600;
const PHOTO_HEIGHT = 2000;
const PHOTO_QUALITY = 95;
/** Files written per stored photo: the sealed original and the sealed preview. */
const FILES_PER_PHOTO = 2;
const DEMO_COUNT = 100;
/** Per-address limit the site is started with (its default, 10 an hour, would refuse the load). */
const BENCH_TIP_RATE_LIMIT = 100_000;
/** Upper bound of the wait for the preview queue after the rounds. */
const PREVIEW_WAIT_MS = 600_000;
/** Upper bound of one submission, whatever the load. */
const REQUEST_TIMEOUT_MS = 120_000;
/** How long the site may take to answer /healthz (start.ts may rebuild dist/ first). */
const SITE_START_TIMEOUT_MS = 600_000;
/** Repetitions of each in-process step timing and of the uncontended submission. */
const PROBE_REPEATS = 3;
/** The argon2id parameters of src/features/tips/tips.server.ts (not exported there). */
const ARGON2: Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
/** The text a successful submission's page contains (t.report.receiptTitle). */
const SUCCESS_MARKER = '举报已提交';

/** One photo of the benchmark: its file name and JPEG bytes. */
interface Photo {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
}

/** Outcome of one submission. */
interface Attempt {
  ok: boolean;
  /** HTTP status, or 0 when there was no answer (network error, timeout) */
  status: number;
  ms: number;
  /** why it is not a success (empty on success) */
  reason: string;
}

/** `--rounds N` / `--rounds=N` (default 3, from 1 to 50). */
function parseRounds(argv: string[]): number {
  let raw: string | undefined;
  argv.forEach((a, i) => {
    if (a === '--rounds') raw = argv[i + 1];
    else if (a.startsWith('--rounds=')) raw = a.slice('--rounds='.length);
  });
  if (raw === undefined) return DEFAULT_ROUNDS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_ROUNDS) throw new Error(`--rounds must be an integer from 1 to ${MAX_ROUNDS}, got ${raw}`);
  return n;
}

/** Bytes as MB text (10^6). */
function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

/** Formats milliseconds without decimals. */
function ms(v: number): string {
  return Number.isFinite(v) ? v.toFixed(0) : 'n/a';
}

/** Median of `values` (ms), NaN when empty. */
function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/**
 * Three distinct photos of random pixels (so that JPEG cannot shrink them below ~5 MB). The first
 * carries EXIF orientation 6 (rotated 90°) and GPS tags, as a phone photo would.
 */
async function makePhotos(): Promise<Photo[]> {
  const photos: Photo[] = [];
  for (let i = 0; i < PHOTO_COUNT; i++) {
    const raw = randomBytes(PHOTO_WIDTH * PHOTO_HEIGHT * 3);
    let pipeline = sharp(raw, { raw: { width: PHOTO_WIDTH, height: PHOTO_HEIGHT, channels: 3 } });
    if (i === 0) {
      pipeline = pipeline
        .withExif({
          IFD0: { Make: 'FangxinBench', Model: 'Noise 1' },
          IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '28/1 40/1 3000/100', GPSLongitudeRef: 'E', GPSLongitude: '115/1 53/1 2400/100' },
        })
        .withMetadata({ orientation: 6 });
    }
    const data = await pipeline.jpeg({ quality: PHOTO_QUALITY }).toBuffer();
    const bytes = new Uint8Array(new ArrayBuffer(data.byteLength));
    bytes.set(data);
    photos.push({ name: `IMG_20260101_12000${i}.jpg`, bytes });
  }
  for (const p of photos) {
    const meta = await sharp(p.bytes).metadata();
    say(`photo ${p.name}: ${mb(p.bytes.byteLength)} (${p.bytes.byteLength} bytes), ${meta.width}×${meta.height}, EXIF orientation ${meta.orientation ?? 'none'}, EXIF ${meta.exif ? `${meta.exif.byteLength} bytes` : 'none'}`);
  }
  return photos;
}

/** Everything cleanup has to stop or remove. */
interface Resources {
  dataDir: string | null;
  site: ChildProcess | null;
}

const resources: Resources = { dataDir: null, site: null };

let cleaning: Promise<void> | null = null;
/** Stops the site and removes the temporary folder. Idempotent. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    if (resources.site) await stopSite(resources.site).catch((e: unknown) => say(`could not stop the site: ${String(e)}`));
    if (resources.dataDir) rmSync(resources.dataDir, { recursive: true, force: true });
    say('cleaned up (site stopped, temporary DATA_DIR removed)');
  })();
  return cleaning;
}

cleanUpOnSignals(cleanup);

/** Starts the site (its own Meilisearch, a fresh tip key, the raised tip limit) on `dataDir`. */
function startSite(dataDir: string): Promise<{ base: string; pid: number }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DEMO_COUNT: String(DEMO_COUNT), TIP_RATE_LIMIT: String(BENCH_TIP_RATE_LIMIT) };
  // the site starts its own Meilisearch on the temporary folder
  delete env.MEILI_HOST;
  delete env.MEILI_API_KEY;
  delete env.TIP_KEK;
  return launchSite({
    env,
    timeoutMs: SITE_START_TIMEOUT_MS,
    onSpawn: (child) => {
      resources.site = child;
    },
    ready: (body) => `status ${body.status ?? '?'}, search ${body.search?.status ?? '?'}`,
  });
}

/** The text of the page's first error box, to explain a failed submission. */
function errorBoxText(html: string): string {
  const m = /class="(?:error-box|field-error)"[^>]*>([\s\S]*?)<\/(?:p|div)>/u.exec(html);
  return m?.[1] ? m[1].replace(/<[^>]+>/gu, ' ').replace(/\s+/gu, ' ').trim().slice(0, 160) : '';
}

let submissionNo = 0;

/** One submission encoded ahead of time: the multipart body and its content type. */
interface Prepared {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
}

/**
 * Encodes one tip form with `photos` (a unique token and subject) as a multipart body, before
 * the clock starts: 20 phones each send their own upload, the load generator should not spend
 * the shared CPUs encoding 320 MB while the server is being measured.
 */
async function prepare(photos: Photo[]): Promise<Prepared> {
  const n = ++submissionNo;
  const form = new FormData();
  form.append('submissionToken', `bench-${randomBytes(18).toString('base64url')}`);
  form.append('subjectName', `压测作坊${n}号`);
  form.append('category', 'hygiene');
  form.append('description', `压力测试第${n}份举报：车间地面积水，原料露天堆放，没有防蝇防鼠设施。`);
  form.append('reporterMode', 'anonymous');
  for (const p of photos) form.append('evidence', new Blob([p.bytes], { type: 'image/jpeg' }), p.name);
  const encoded = new Response(form);
  return { body: new Uint8Array(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type') ?? '' };
}

/** Sends one prepared submission and times it (request sent to answer read); never throws. */
async function send(base: string, prepared: Prepared): Promise<Attempt> {
  const started = performance.now();
  try {
    const res = await fetch(`${base}/report?_action=tips.submit`, {
      method: 'POST',
      body: prepared.body,
      headers: { Origin: base, 'Content-Type': prepared.contentType },
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const html = await res.text();
    const elapsed = performance.now() - started;
    const ok = res.status === 200 && html.includes(SUCCESS_MARKER);
    const reason = ok ? '' : res.status !== 200 ? `HTTP ${res.status}${errorBoxText(html) ? `: ${errorBoxText(html)}` : ''}` : `no ${SUCCESS_MARKER}: ${errorBoxText(html) || html.slice(0, 120)}`;
    return { ok, status: res.status, ms: elapsed, reason };
  } catch (e) {
    return { ok: false, status: 0, ms: performance.now() - started, reason: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** Prepares and sends one submission (only the sending is timed). */
async function submit(base: string, photos: Photo[]): Promise<Attempt> {
  return send(base, await prepare(photos));
}

/** Evidence files whose preview is not made yet (`pending` or `working`), read from the site's database. */
function previewsWaiting(dataDir: string): number {
  const db = new Database(path.join(dataDir, 'fangxin.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare("select count(*) as n from tip_evidence where preview_status in ('pending', 'working')").get() as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

/** Waits (polling every 100 ms, at most PREVIEW_WAIT_MS) until no preview is waiting; returns the ms waited. */
async function waitForPreviews(dataDir: string): Promise<{ ms: number; left: number }> {
  const started = performance.now();
  let left = previewsWaiting(dataDir);
  while (left > 0 && performance.now() - started < PREVIEW_WAIT_MS) {
    await new Promise((r) => setTimeout(r, 100));
    left = previewsWaiting(dataDir);
  }
  return { ms: performance.now() - started, left };
}

/** Files under `<dataDir>/evidence` (0 when the folder does not exist). */
function evidenceFileCount(dataDir: string): number {
  const dir = path.join(dataDir, 'evidence');
  return existsSync(dir) ? readdirSync(dir).length : 0;
}

/** Median wall time (ms) of `repeats` sequential runs of `step`. */
async function timeStep(repeats: number, step: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await step();
    times.push(performance.now() - started);
  }
  return median(times);
}

/**
 * The server's steps for one tip with `photos`, timed in this process one after the other (median
 * of PROBE_REPEATS): argon2id of the access code, `inspectEvidence` (file-type, SHA-256, sharp
 * header, structure), sealing (AES-GCM + base64), and `makePreview` (decode, rotate, resize,
 * re-encode), which the preview queue does after the receipt.
 */
async function stepCosts(photos: Photo[]): Promise<string[]> {
  const key = randomBytes(32);
  const argon = await timeStep(PROBE_REPEATS, () => hash('ABCDEFGHJK', ARGON2));
  const inspect = await timeStep(PROBE_REPEATS, () => Promise.all(photos.map((p) => inspectEvidence(p.bytes, p.name))));
  let inspectSeq = 0;
  for (const p of photos) inspectSeq += await timeStep(PROBE_REPEATS, () => inspectEvidence(p.bytes, p.name));
  const previews: number[] = [];
  let previewBytes = 0;
  for (const p of photos) {
    previews.push(
      await timeStep(PROBE_REPEATS, async () => {
        const preview = await makePreview(p.bytes, 'image/jpeg', p.name);
        previewBytes = preview.bytes?.byteLength ?? 0;
      }),
    );
  }
  // the same preview pipeline with mozjpeg off (libjpeg-turbo defaults), for comparison
  const plain = await timeStep(PROBE_REPEATS, () =>
    sharp(Buffer.from(photos[0]?.bytes ?? new Uint8Array()), { failOn: 'error' })
      .rotate()
      .resize({ width: 2000, height: 2000, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 85, mozjpeg: false })
      .toBuffer(),
  );
  const sealOne = await timeStep(PROBE_REPEATS, async () => {
    for (const p of photos) Buffer.from(seal(key, Buffer.from(p.bytes)), 'base64');
  });
  const multipart = await timeStep(PROBE_REPEATS, async () => {
    const form = new FormData();
    for (const p of photos) form.append('evidence', new Blob([p.bytes], { type: 'image/jpeg' }), p.name);
    const parsed = await new Response(form).formData();
    await Promise.all(parsed.getAll('evidence').map((f) => (f instanceof File ? f.arrayBuffer() : Promise.resolve(null))));
  });
  const previewSum = previews.reduce((a, b) => a + b, 0);
  return [
    `argon2id hash (m=19 MiB, t=2, p=1): ${ms(argon)} ms`,
    `inspectEvidence ×${photos.length} (file-type, SHA-256, polyglot scan, sharp header, structure walk): ${ms(inspectSeq)} ms sequential, ${ms(inspect)} ms in parallel`,
    `makePreview ×${photos.length}, in the preview queue after the receipt (decode ${PHOTO_WIDTH}×${PHOTO_HEIGHT}, rotate, resize to ${EVIDENCE_LIMITS.previewMaxSide} px, JPEG; last preview ${mb(previewBytes)}): ${previews.map(ms).join(' + ')} = ${ms(previewSum)} ms`,
    `  for comparison, the first photo's preview re-encoded with libjpeg-turbo defaults at quality 85: ${ms(plain)} ms against ${ms(previews[0] ?? Number.NaN)} ms`,
    `seal ×${photos.length} originals (AES-256-GCM + base64 round trip): ${ms(sealOne)} ms`,
    `multipart encode + parse of the 3 photos (undici FormData, as Astro reads request.formData()): ${ms(multipart)} ms`,
    `sum of the CPU-bound steps before the receipt ≈ ${ms(argon + inspectSeq + sealOne + multipart)} ms; ${CONCURRENCY} at once on ${os.cpus().length} CPUs ≈ ${ms(((argon + inspectSeq + sealOne + multipart) * CONCURRENCY) / Math.max(1, os.cpus().length))} ms of wall time if they share the CPUs perfectly (previews after the receipt: ${ms(previewSum * CONCURRENCY)} ms of one core per round)`,
  ];
}

/** The benchmark. */
async function main(): Promise<void> {
  const rounds = parseRounds(process.argv.slice(2));
  say(`Fangxin tip submission benchmark: ${rounds} round(s) of ${CONCURRENCY} concurrent submissions × ${PHOTO_COUNT} photos, ${os.cpus().length} CPUs, node ${process.version}`);
  say(`site started with DEMO_COUNT=${DEMO_COUNT} and TIP_RATE_LIMIT=${BENCH_TIP_RATE_LIMIT} (the default per-address limit, 10 an hour, would refuse the load)`);

  const photos = await makePhotos();
  const totalBytes = photos.reduce((a, p) => a + p.bytes.byteLength, 0);

  buildIfMissing();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fangxin-bench-tips-'));
  resources.dataDir = dataDir;
  say(`DATA_DIR ${dataDir}`);
  const site = await startSite(dataDir);
  const hwmIdle = procStatusKb(site.pid, 'VmHWM');
  say(`site peak RSS before any submission: ${mib(hwmIdle)}`);

  // warm-up
  let storedSubmissions = 0;
  for (let i = 0; i < WARMUP_SUBMISSIONS; i++) {
    const a = await submit(site.base, photos);
    if (!a.ok) throw new Error(`warm-up submission ${i + 1} failed: ${a.reason}`);
    storedSubmissions++;
    say(`warm-up ${i + 1}: ${ms(a.ms)} ms`);
  }

  // rounds of concurrent submissions
  const attempts: Attempt[] = [];
  let wallMs = 0;
  for (let r = 0; r < rounds; r++) {
    const bodies = await Promise.all(Array.from({ length: CONCURRENCY }, () => prepare(photos)));
    const started = performance.now();
    const results = await Promise.all(bodies.map((body) => send(site.base, body)));
    const elapsed = performance.now() - started;
    wallMs += elapsed;
    attempts.push(...results);
    const sortedRound = results.map((a) => a.ms).sort((a, b) => a - b);
    say(
      `round ${r + 1}/${rounds}: ${results.filter((a) => a.ok).length}/${results.length} ok in ${ms(elapsed)} ms (p50 ${ms(percentile(sortedRound, 50))}, p95 ${ms(percentile(sortedRound, 95))}, max ${ms(percentile(sortedRound, 100))} ms); site RSS ${mib(procStatusKb(site.pid, 'VmRSS'))}`,
    );
  }
  const roundsHwm = procStatusKb(site.pid, 'VmHWM');
  // the previews are made after the receipts, one file at a time
  const queue = await waitForPreviews(dataDir);
  say(`preview queue drained ${ms(queue.ms)} ms after the last round${queue.left ? ` — ${queue.left} still waiting at the time limit` : ''}`);
  const siteHwm = procStatusKb(site.pid, 'VmHWM');
  const siteRss = procStatusKb(site.pid, 'VmRSS');
  const successes = attempts.filter((a) => a.ok).length;
  storedSubmissions += successes;
  const evidenceAfterRounds = evidenceFileCount(dataDir);
  const expectedEvidence = storedSubmissions * PHOTO_COUNT * FILES_PER_PHOTO;

  // where the time goes: one submission alone, then each server step in this process
  const alone: number[] = [];
  for (let i = 0; i < PROBE_REPEATS; i++) {
    const a = await submit(site.base, photos);
    if (a.ok) alone.push(a.ms);
  }
  const steps = await stepCosts(photos);

  // report
  const sorted = attempts.map((a) => a.ms).sort((a, b) => a - b);
  const p95 = percentile(sorted, 95);
  const errors = attempts.filter((a) => !a.ok);
  const byStatus = new Map<string, number>();
  for (const e of errors) byStatus.set(e.status === 0 ? 'no answer' : `HTTP ${e.status}`, (byStatus.get(e.status === 0 ? 'no answer' : `HTTP ${e.status}`) ?? 0) + 1);
  const lines: string[] = [];
  lines.push('');
  lines.push(`=== tips: ${rounds} round(s) of ${CONCURRENCY} concurrent POST /report?_action=tips.submit, ${PHOTO_COUNT} photos each (${mb(totalBytes)} per submission) ===`);
  lines.push(`site: node src/cli/start.ts, DEMO_COUNT=${DEMO_COUNT}, TIP_RATE_LIMIT=${BENCH_TIP_RATE_LIMIT} (raised for the bench; default 10 an hour per address), ${os.cpus().length} CPUs`);
  lines.push(`photos: ${photos.map((p) => mb(p.bytes.byteLength)).join(', ')} (random pixels ${PHOTO_WIDTH}×${PHOTO_HEIGHT}, JPEG q${PHOTO_QUALITY}; the first with EXIF orientation 6 + GPS)`);
  lines.push('');
  lines.push(`count:   ${attempts.length} submissions (after ${WARMUP_SUBMISSIONS} warm-ups)`);
  lines.push(`errors:  ${errors.length}${errors.length ? ` (${[...byStatus].map(([s, n]) => `${s} ×${n}`).join(', ')})` : ''}`);
  for (const e of [...new Set(errors.map((x) => x.reason))].slice(0, 5)) lines.push(`         ${e}`);
  lines.push(`latency: p50 ${ms(percentile(sorted, 50))} ms, p95 ${ms(p95)} ms, max ${ms(percentile(sorted, 100))} ms (all submissions, successful or not)`);
  lines.push(`rate:    ${(successes / (wallMs / 1000)).toFixed(2)} successful submissions/s (${successes} in ${(wallMs / 1000).toFixed(1)} s of rounds), ${((successes * totalBytes) / 1e6 / (wallMs / 1000)).toFixed(1)} MB/s of uploads`);
  lines.push(`memory:  site (pid ${site.pid}) peak RSS (VmHWM) ${mib(siteHwm)} (${mib(roundsHwm)} at the end of the rounds, before the first submission ${mib(hwmIdle)}, now ${mib(siteRss)}); bench ${mib(procStatusKb('self', 'VmHWM'))}`);
  lines.push(`previews: made by the queue after the receipts; all done ${ms(queue.ms)} ms after the last round${queue.left ? ` (${queue.left} NOT done at the time limit)` : ''}`);
  lines.push(
    `evidence files under DATA_DIR/evidence after the rounds: ${evidenceAfterRounds} (expected ${expectedEvidence} = (${successes} successes + ${WARMUP_SUBMISSIONS} warm-ups) × ${PHOTO_COUNT} photos × ${FILES_PER_PHOTO} [original + preview]): ${evidenceAfterRounds === expectedEvidence ? 'OK' : 'MISMATCH'}`,
  );
  lines.push('');
  lines.push(`TARGET p95 ≤ ${P95_TARGET_MS} ms: ${p95 <= P95_TARGET_MS ? 'PASS' : 'MISS'} (p95 ${ms(p95)} ms)`);
  lines.push(`TARGET no errors: ${errors.length === 0 ? 'PASS' : 'MISS'} (${errors.length} errors)`);
  lines.push('');
  lines.push('where the time goes:');
  lines.push(`  one submission alone (no other load), median of ${alone.length}: ${ms(median(alone))} ms`);
  lines.push(`  server steps for one tip, timed in the bench process (median of ${PROBE_REPEATS}):`);
  for (const s of steps) lines.push(`    ${s}`);
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

try {
  await main();
  await cleanup();
} catch (e) {
  say(`ERROR: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  await cleanup();
  process.exitCode = 1;
}
