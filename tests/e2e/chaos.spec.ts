/**
 * Crash safety of the built site (`node src/cli/start.ts`), on site instances of this spec's own
 * (a temporary DATA_DIR each run, free ports, DEMO_COUNT=0, a raised tip limit):
 *
 * 1. 30 tips with evidence photos are sent to `/_actions/tips.submit`, multipart as the
 *    JavaScript form sends them, 40 ms apart so that all overlap; the site is killed with SIGKILL
 *    as soon as the 5th receipt has arrived, with the rest in flight (the last three hold back
 *    half of their upload until then, so that some are in flight whatever the load). Leftovers of a crash are added by hand (a sealed file cut
 *    to 0 bytes, a temporary file), so that the sweep has work whatever the moment of the kill.
 * 2. Restarted on the same DATA_DIR: every receipt answered before the kill is tracked with its
 *    access code; every tip has all its evidence files, and they open with the tip's key and
 *    match the photos sent; no evidence file is left that no row names; the Meilisearch of the
 *    killed run is gone and only one runs on the folder.
 * 3. SIGTERM stops the site within 10 s and releases the lock: after its Meilisearch was killed,
 *    and after it was stopped (SIGSTOP) with a search and a tip in flight.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { expect, test } from '@playwright/test';
import { freePort } from '../../src/features/search/local-meili.ts';
import { loadKek, open } from '../../src/features/tips/envelope.server.ts';
import { readStoredEvidence } from '../../src/features/tips/evidence.server.ts';
import { commandLineOf, isRunning, processId, type ProcessId } from '../../src/lib/processes.ts';

const SUBMISSIONS = 30;
/** The site is killed when this many receipts have arrived: some, not all. */
const KILL_AFTER = 5;
/** The submissions start this far apart (ms): all of them overlap, and their answers come one after another. */
const STAGGER_MS = 40;
/** The last submissions hold back the second half of their upload until the kill: in flight, however fast the others are answered. */
const HELD_BACK = 3;
/** What the site gets to stop after SIGTERM (ms). */
const STOP_LIMIT_MS = 10_000;

/** A running site of this spec. */
interface Site {
  proc: ChildProcess;
  base: string;
  /** its log lines so far */
  log: string[];
  exited: Promise<void>;
}

const started: ChildProcess[] = [];

/** Starts the built site on `dataDir` and a free port; resolves once /healthz answers 200. */
async function startSite(dataDir: string): Promise<Site> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DEMO_COUNT: '0',
    TIP_RATE_LIMIT: '1000',
    ASTRO_TELEMETRY_DISABLED: '1',
    MEILI_HOST: '',
    MEILI_API_KEY: '',
    MEILI_PORT: '0',
    TIP_KEK: '',
  };
  // its own process group, so that the clean-up can stop whatever it started
  const proc = spawn(process.execPath, ['src/cli/start.ts'], { env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  started.push(proc);
  const log: string[] = [];
  let rest = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    log.push(...lines);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`the site exited before serving:\n${log.join('\n')}`);
    try {
      if ((await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) })).status === 200) return { proc, base, log, exited };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the site did not answer /healthz:\n${log.join('\n')}`);
}

/** Processes running a Meilisearch on `dataDir` (its command line names `--db-path <dataDir>/meili/data.ms`). */
function meilisearchesOn(dataDir: string): ProcessId[] {
  const dbPath = path.join(dataDir, 'meili/data.ms');
  const found: ProcessId[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/u.test(entry)) continue;
    const argv = commandLineOf(Number(entry));
    const at = argv?.indexOf('--db-path') ?? -1;
    const id = processId(Number(entry));
    if (argv && at > 0 && argv[at + 1] === dbPath && id) found.push(id);
  }
  return found;
}

/** The Meilisearch the site on `dataDir` recorded as its own (DATA_DIR/meili/processes/<site pid>.json). */
function recordedMeili(dataDir: string, site: Site): ProcessId {
  const file = path.join(dataDir, 'meili/processes', `${site.proc.pid}.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { meili: ProcessId }).meili;
}

/**
 * Sends SIGTERM to the site; resolves with the milliseconds it took to exit (Infinity after
 * STOP_LIMIT_MS + 5 s) and whether every step stopped by itself (the site did not have to give up
 * waiting at its own time limit, start.ts SHUTDOWN_LIMIT_MS).
 */
async function terminate(site: Site): Promise<{ ms: number; clean: boolean }> {
  const t0 = Date.now();
  site.proc.kill('SIGTERM');
  const done = await Promise.race([site.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), STOP_LIMIT_MS + 5000))]);
  return { ms: done ? Date.now() - t0 : Number.POSITIVE_INFINITY, clean: !site.log.some((l) => l.includes('still stopping after')) };
}

/** One evidence photo: name, bytes and SHA-256 (hex). */
interface Photo {
  name: string;
  type: string;
  bytes: Uint8Array<ArrayBuffer>;
  sha256: string;
}

/** A JPEG of random pixels (about 1 MB, so that uploads take a moment) and a small PNG. */
async function makePhotos(): Promise<Photo[]> {
  const jpeg = await sharp(randomBytes(1000 * 800 * 3), { raw: { width: 1000, height: 800, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
  const png = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#2a6' } }).png().toBuffer();
  return [
    { name: '现场照片.jpg', type: 'image/jpeg', data: jpeg },
    { name: '标签.png', type: 'image/png', data: png },
  ].map(({ name, type, data }) => {
    const bytes = new Uint8Array(new ArrayBuffer(data.byteLength));
    bytes.set(data);
    return { name, type, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

/** A tip form with `photos`, multipart, as the JavaScript form posts it. */
async function tipBody(n: number, photos: Photo[]): Promise<{ body: Uint8Array<ArrayBuffer>; contentType: string }> {
  const form = new FormData();
  form.append('submissionToken', `chaos-${n}-${randomBytes(12).toString('base64url')}`);
  form.append('subjectName', `测试作坊${n}号`);
  form.append('category', 'hygiene');
  form.append('description', `第${n}份测试举报：车间地面积水，原料露天堆放，没有防蝇防鼠设施。`);
  form.append('reporterMode', 'anonymous');
  for (const p of photos) form.append('evidence', new Blob([p.bytes], { type: p.type }), p.name);
  const encoded = new Response(form);
  return { body: new Uint8Array(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type') ?? '' };
}

/**
 * The object an Astro Action answered, from its `application/json+devalue` body (devalue's
 * format: an array whose first item maps each key to the index of its value), for a flat object
 * of strings such as a receipt. Throws on anything else.
 */
function flatActionResult(body: string): Record<string, string> {
  const items = JSON.parse(body) as unknown[];
  const root = items[0];
  if (!Array.isArray(items) || typeof root !== 'object' || root === null) throw new Error(`not an action result: ${body.slice(0, 200)}`);
  const result: Record<string, string> = {};
  for (const [key, index] of Object.entries(root)) {
    const value = typeof index === 'number' ? items[index] : undefined;
    if (typeof value !== 'string') throw new Error(`not a flat object of strings: ${body.slice(0, 200)}`);
    result[key] = value;
  }
  return result;
}

/** POSTs a form to the Astro Action `action` of `base` with the Origin header Astro requires. */
function postAction(base: string, action: string, body: BodyInit, contentType?: string): Promise<Response> {
  // `duplex` (Node's fetch needs it for a stream body, see heldBack) is not in the DOM's RequestInit type
  const init: RequestInit & { duplex: 'half' } = {
    method: 'POST',
    body,
    headers: { Origin: base, ...(contentType ? { 'Content-Type': contentType } : {}) },
    signal: AbortSignal.timeout(60_000),
    duplex: 'half',
  };
  return fetch(`${base}/_actions/${action}`, init);
}

/** `body` as a stream that gives its first half at once and the rest only once `until` resolves. */
function heldBack(body: Uint8Array<ArrayBuffer>, until: Promise<void>): ReadableStream<Uint8Array> {
  const half = Math.floor(body.byteLength / 2);
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (first) {
        first = false;
        controller.enqueue(body.subarray(0, half));
        return;
      }
      await until;
      controller.enqueue(body.subarray(half));
      controller.close();
    },
  });
}

/** Rows of the site's database on `dataDir`, opened read-only. */
function readDb<T>(dataDir: string, read: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, 'fangxin.db'), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

let dataDir = '';

test.afterEach(() => {
  for (const proc of started.splice(0)) {
    if (proc.pid !== undefined && proc.exitCode === null && proc.signalCode === null) process.kill(-proc.pid, 'SIGKILL');
  }
  if (dataDir) {
    for (const meili of meilisearchesOn(dataDir)) process.kill(meili.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    dataDir = '';
  }
});

test('a site killed during submissions keeps every answered tip whole, cleans up at the next start, and stops on SIGTERM within 10 s', async () => {
  test.setTimeout(300_000);
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'fangxin-chaos-'));
  const photos = await makePhotos();
  const bodies = await Promise.all(Array.from({ length: SUBMISSIONS }, (_, i) => tipBody(i + 1, photos)));

  // 1. 30 overlapping submissions; SIGKILL at the 5th receipt
  const first = await startSite(dataDir);
  const firstMeili = recordedMeili(dataDir, first);
  const receipts: Record<string, string>[] = [];
  const refused: string[] = [];
  let killed = () => {};
  const kill = new Promise<void>((resolve) => (killed = resolve));
  await Promise.allSettled(
    bodies.map(async ({ body, contentType }, i) => {
      await new Promise((r) => setTimeout(r, i * STAGGER_MS));
      // a submission cut off by the kill gets no answer (fetch rejects): expected
      const res = await postAction(first.base, 'tips.submit', i >= SUBMISSIONS - HELD_BACK ? heldBack(body, kill) : body, contentType);
      const text = await res.text();
      if (res.status !== 200) refused.push(`${res.status} ${text.slice(0, 200)}`);
      else receipts.push(flatActionResult(text));
      if (receipts.length === KILL_AFTER) {
        first.proc.kill('SIGKILL');
        killed();
      }
    }),
  );
  await first.exited;
  expect(refused).toEqual([]);
  // receipts already on their way when the kill came are kept too; the held-back ones were cut off
  expect(receipts.length).toBeGreaterThanOrEqual(KILL_AFTER);
  expect(receipts.length).toBeLessThanOrEqual(SUBMISSIONS - HELD_BACK);
  for (const r of receipts) expect(r).toMatchObject({ kind: 'created', receiptNo: expect.stringMatching(/^\d{16}$/u) });

  // leftovers of a crash, whatever the moment of this one: a sealed file cut to 0 bytes, a temporary file
  const evidence = path.join(dataDir, 'evidence');
  writeFileSync(path.join(evidence, `${'0'.repeat(32)}.bin`), '');
  writeFileSync(path.join(evidence, `${'f'.repeat(32)}.bin.tmp`), 'cut short');
  expect(existsSync(path.join(dataDir, 'site.lock'))).toBe(true);

  // 2. restart on the same folder
  const second = await startSite(dataDir);
  expect(isRunning(firstMeili)).toBe(false);
  expect(meilisearchesOn(dataDir)).toEqual([recordedMeili(dataDir, second)]);
  const sweptLine = second.log.find((l) => /evidence files without a record removed/u.test(l)) ?? '';
  expect(Number(/(\d+) evidence files without a record removed/u.exec(sweptLine)?.[1] ?? 0)).toBeGreaterThanOrEqual(2);

  for (const { receiptNo, accessCode } of receipts) {
    const form = new FormData();
    form.append('receiptNo', receiptNo ?? '');
    form.append('accessCode', accessCode ?? '');
    const res = await postAction(second.base, 'tips.track', form);
    const text = await res.text();
    expect(res.status, text.slice(0, 300)).toBe(200);
    expect(text).toContain(receiptNo);
    for (const p of photos) expect(text).toContain(p.name);
  }

  // every tip stored (answered or not) has both its files, which open and are the photos sent;
  // looked at once the restarted site's preview queue has made every preview (no file written meanwhile)
  const waiting = () => readDb(dataDir, (db) => (db.prepare("select count(*) as n from tip_evidence where preview_status in ('pending', 'working')").get() as { n: number }).n);
  await expect.poll(waiting, { timeout: 120_000 }).toBe(0);
  const kek = loadKek(undefined, dataDir);
  const rows = readDb(dataDir, (db) =>
    db
      .prepare('select t.receipt_no as receiptNo, t.wrapped_data_key as wrapped, e.storage_name as storageName, e.preview_storage_name as preview, e.preview_status as previewStatus, e.sha256 from tips t left join tip_evidence e on e.tip_id = t.id')
      .all(),
  ) as { receiptNo: string; wrapped: string | null; storageName: string | null; preview: string | null; previewStatus: string | null; sha256: string | null }[];
  const byTip = Map.groupBy(rows, (r) => r.receiptNo);
  expect(byTip.size).toBeGreaterThanOrEqual(receipts.length);
  for (const r of receipts) expect(byTip.has(r.receiptNo ?? '')).toBe(true);
  const named = new Set<string>();
  for (const [receiptNo, files] of byTip) {
    expect(files.map((f) => f.sha256).sort(), receiptNo).toEqual(photos.map((p) => p.sha256).sort());
    const dataKey = open(kek.key, files[0]?.wrapped ?? '');
    for (const f of files) {
      const bytes = await readStoredEvidence(dataDir, dataKey, f.storageName ?? '');
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
      named.add(f.storageName ?? '');
      expect(f.previewStatus, `preview of a file of ${receiptNo}`).toBe('ready');
      expect((await sharp(await readStoredEvidence(dataDir, dataKey, f.preview ?? '')).metadata()).format).toBe('jpeg');
      named.add(f.preview ?? '');
    }
  }
  // and no file is left that no row names
  expect(readdirSync(evidence).sort()).toEqual([...named].sort());

  // 3a. SIGTERM after its Meilisearch was killed, once the site has seen it die (its restart is pending)
  process.kill(recordedMeili(dataDir, second).pid, 'SIGKILL');
  await expect.poll(() => second.log.some((l) => l.includes('meilisearch exited (code -, signal SIGKILL)')), { timeout: 10_000 }).toBe(true);
  const afterKill = await terminate(second);
  expect(afterKill.ms).toBeLessThan(STOP_LIMIT_MS);
  expect(afterKill.clean).toBe(true);
  expect(existsSync(path.join(dataDir, 'site.lock'))).toBe(false);
  expect(meilisearchesOn(dataDir)).toEqual([]);

  // 3b. SIGTERM while its Meilisearch is stopped (SIGSTOP) and a search and a tip are in flight
  const third = await startSite(dataDir);
  const stopped = recordedMeili(dataDir, third);
  process.kill(stopped.pid, 'SIGSTOP');
  const search = fetch(`${third.base}/api/v1/search?q=${encodeURIComponent('米粉')}`).catch(() => null);
  // a tip sent again (its token may already be stored: then it is answered as a duplicate)
  const tip = bodies[SUBMISSIONS - 1];
  const submit = tip ? postAction(third.base, 'tips.submit', tip.body, tip.contentType).catch(() => null) : null;
  await new Promise((r) => setTimeout(r, 300));
  const whileStopped = await terminate(third);
  expect(whileStopped.ms).toBeLessThan(STOP_LIMIT_MS);
  expect(whileStopped.clean).toBe(true);
  await Promise.allSettled([search, submit]);
  expect(existsSync(path.join(dataDir, 'site.lock'))).toBe(false);
  expect(isRunning(stopped)).toBe(false);
  expect(meilisearchesOn(dataDir)).toEqual([]);
});
