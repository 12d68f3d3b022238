/**
 * Making and restoring backups of a site's data while it serves (issue #9 point 5; folder layout
 * and manifest: ./backup.ts).
 *
 * Backup: the database is copied first, with SQLite's online backup API (better-sqlite3
 * `backup()`: a consistent snapshot while the site keeps writing, WAL mode), then the sealed
 * evidence files that snapshot refers to (originals and previews, never changed once written),
 * then the key files of DATA_DIR/keys unless TIP_KEK comes from the environment; a file the
 * snapshot refers to that is missing refuses the backup. Files filed after the snapshot are not
 * copied: the copy does not refer to them. The Meilisearch folder (`DATA_DIR/meili`: an index
 * rebuilt from SQLite, and the master key that guards only that index, generated anew) and upload
 * previews of staff imports (`DATA_DIR/imports`, kept a day) are not part of a backup.
 *
 * Restore: checks everything (manifest, sizes, SHA-256 of every file, the files the database
 * refers to, its migrations) before writing anything, writes only into an empty or absent
 * DATA_DIR whose site is not running (`DATA_DIR/site.lock`, held during the restore so that no
 * site starts meanwhile), and leaves DATA_DIR empty again when it fails half-way. The restored
 * database forgets its search index fingerprint, so the next `npm start` rebuilds the index.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import { count, isNotNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { releaseSiteLock, siteLockHolder, takeSiteLock } from '../../cli/site-lock.ts';
import { openDatabase } from '../../db/client.ts';
import { migrationsFolder } from '../../db/migrate.ts';
import * as schema from '../../db/schema.ts';
import { forgetIndexFingerprint } from '../search/search.server.ts';
import { loadKek } from '../tips/envelope.server.ts';
import { evidenceDir } from '../tips/evidence.server.ts';
import {
  BACKUP_FORMAT,
  BackupError,
  DATABASE_FILE,
  MANIFEST_FILE,
  backupPathSchema,
  kindOfPath,
  manifestSchema,
  type BackupFile,
  type BackupManifest,
  type BackupProgress,
  type FileProblem,
} from './backup.ts';

/** Pages the database copy takes per step until the site writes meanwhile (16 MiB at 4 KiB pages). */
const STEP_PAGES = 4096;
/** More pages than any database has: the rest of the copy in one step. */
const ALL_PAGES = 0x7fffffff;

type Progress = (p: BackupProgress) => void;

/** Whether `child` is `parent` or inside it (both absolute). */
function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** What is at `dir`: nothing, an empty folder (entries in `ignore` aside), a folder with files, or something else. */
async function folderState(dir: string, ignore: readonly string[] = []): Promise<'absent' | 'empty' | 'notEmpty' | 'notDirectory'> {
  let info;
  try {
    info = await stat(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw e;
  }
  if (!info.isDirectory()) return 'notDirectory';
  return (await readdir(dir)).some((name) => !ignore.includes(name)) ? 'notEmpty' : 'empty';
}

/** Size and SHA-256 (hex) of a file, read as a stream; `onBytes(n)` after each chunk. */
async function hashFile(file: string, onBytes?: (n: number) => void): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    size += bytes.byteLength;
    onBytes?.(bytes.byteLength);
  }
  return { size, sha256: hash.digest('hex') };
}

/**
 * Copies `from` to a new file `to` (never overwriting: `wx`, mode 0600, flushed to disk before it
 * is closed), hashing the bytes as they pass. Returns the size and SHA-256 of what was written.
 */
async function copyHashed(from: string, to: string, onBytes?: (n: number) => void): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(
    createReadStream(from),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.byteLength;
        onBytes?.(chunk.byteLength);
        yield chunk;
      }
    },
    createWriteStream(to, { flags: 'wx', mode: 0o600, flush: true }),
  );
  return { size, sha256: hash.digest('hex') };
}

/** Flushes a folder's entries to disk (a file just created or renamed in it). */
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The tags of the committed migrations, oldest first, with their `when` (ms), from drizzle's journal. */
function knownMigrations(): { tag: string; when: number }[] {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] };
  return journal.entries;
}

/** What a backup needs to know of a database file (opened read-only or a fresh copy). */
interface DatabaseFacts {
  schema: BackupManifest['schema'];
  /** storage names of every evidence file (original or preview) its rows refer to, sorted */
  referenced: string[];
  tips: number;
  evidenceRows: number;
  tipKeyIds: string[];
}

/**
 * Reads the facts of an open database: the migrations drizzle recorded (`__drizzle_migrations`;
 * the newest named by its journal tag, or by its `created_at` when this code does not know it),
 * the evidence files it refers to, its tip and evidence counts and the key ids of its tips.
 */
function factsOf(sqlite: Database.Database): DatabaseFacts {
  const applied = sqlite.prepare('SELECT created_at AS at FROM __drizzle_migrations ORDER BY created_at').all() as { at: number | string }[];
  const newest = applied.at(-1);
  const latest = newest === undefined ? null : (knownMigrations().find((m) => m.when === Number(newest.at))?.tag ?? `unknown-${String(newest.at)}`);
  const db = drizzle(sqlite, { schema });
  const names = new Set<string>();
  for (const row of db.select({ original: schema.tipEvidence.storageName, preview: schema.tipEvidence.previewStorageName }).from(schema.tipEvidence).all()) {
    names.add(row.original);
    if (row.preview) names.add(row.preview);
  }
  return {
    schema: { migrations: applied.length, latest },
    referenced: [...names].sort(),
    tips: db.select({ n: count() }).from(schema.tips).get()?.n ?? 0,
    evidenceRows: db.select({ n: count() }).from(schema.tipEvidence).get()?.n ?? 0,
    tipKeyIds: db
      .selectDistinct({ keyId: schema.tips.keyId })
      .from(schema.tips)
      .where(isNotNull(schema.tips.keyId))
      .all()
      .map((r) => r.keyId ?? '')
      .sort(),
  };
}

/**
 * Copies the live database `dbFile` to the new file `target` with SQLite's backup API, in steps of
 * STEP_PAGES pages (progress between steps). SQLite starts a stepwise copy over when another
 * connection writes between two steps, which on a busy site could go on forever; after the first
 * restart the rest is taken in one step, inside one read transaction: in WAL mode the site keeps
 * writing meanwhile. Then the copy is switched to a rollback journal (one self-contained file),
 * checked (`quick_check`), and its facts read.
 */
async function snapshotDatabase(dbFile: string, target: string, onProgress?: Progress, stepPages = STEP_PAGES): Promise<DatabaseFacts> {
  const source = new Database(dbFile, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 15000');
    let remainingBefore = Number.POSITIVE_INFINITY;
    let whole = false;
    await source.backup(target, {
      progress: ({ totalPages, remainingPages }) => {
        // a step that copied pages and left no fewer to copy started over
        const restarted = !whole && remainingPages >= remainingBefore;
        if (restarted) whole = true;
        remainingBefore = remainingPages;
        onProgress?.({ phase: 'database', done: totalPages - remainingPages, total: totalPages, restarted });
        return whole ? ALL_PAGES : stepPages;
      },
    });
  } finally {
    source.close();
  }
  const copy = new Database(target, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the database copy failed its check: ${String(check)}`);
    const pages = copy.pragma('page_count', { simple: true }) as number;
    onProgress?.({ phase: 'database', done: pages, total: pages });
    return factsOf(copy);
  } finally {
    copy.close();
  }
}

/** The key-encryption key of tips: where it is (TIP_KEK, DATA_DIR/keys/tip-kek or nowhere yet) and its id. Never creates one. */
function kekOf(dataDir: string, tipKek: string | undefined): Pick<BackupManifest['key'], 'source' | 'kekId'> {
  if (tipKek) return { source: 'environment', kekId: loadKek(tipKek, dataDir).id };
  if (existsSync(path.join(dataDir, 'keys', 'tip-kek'))) return { source: 'dataDir', kekId: loadKek(undefined, dataDir).id };
  return { source: 'none', kekId: null };
}

/** Options of `createBackup`. */
export interface BackupOptions {
  /** the site's DATA_DIR (its database is `<dataDir>/fangxin.db`) */
  dataDir: string;
  /** TIP_KEK of the site's environment, when set: then the key is not in DATA_DIR and no key file is copied */
  tipKek?: string;
  /** the backup folder: absent or empty */
  dest: string;
  onProgress?: Progress;
  /** pages per step of the database copy (default 4096) */
  stepPages?: number;
  now?: Date;
}

/**
 * Makes a backup of the site in `dataDir` into `dest` while the site may be serving: the database
 * (SQLite backup API), the evidence files it refers to, the key files (none when `tipKek` is set),
 * then `manifest.json` (see ./backup.ts), each file flushed to disk. Returns the manifest.
 * Throws BackupError `noDatabase`, `destInsideDataDir`, `destNotDirectory`, `destNotEmpty` (before
 * writing anything) or `missingEvidence` (a file the database refers to is not in DATA_DIR: the
 * folder is left without a manifest, so it is never taken for a backup); EnvelopeError when
 * `tipKek` is not a 32-byte base64 key; fs errors (a full disk…) likewise without a manifest.
 */
export async function createBackup(options: BackupOptions): Promise<BackupManifest> {
  const dataDir = path.resolve(options.dataDir);
  const dest = path.resolve(options.dest);
  const dbFile = path.join(dataDir, DATABASE_FILE);
  const { onProgress } = options;
  if (!existsSync(dbFile)) throw new BackupError('noDatabase', { detail: dbFile });
  if (isInside(dest, dataDir)) throw new BackupError('destInsideDataDir', { detail: dest });
  const state = await folderState(dest);
  if (state === 'notDirectory') throw new BackupError('destNotDirectory', { detail: dest });
  if (state === 'notEmpty') throw new BackupError('destNotEmpty', { detail: dest });
  const key = kekOf(dataDir, options.tipKek);
  await mkdir(dest, { recursive: true, mode: 0o700 });
  const createdAt = (options.now ?? new Date()).toISOString();

  // the database first: every file it refers to exists before it is committed, and is never removed
  const dbCopy = path.join(dest, DATABASE_FILE);
  const facts = await snapshotDatabase(dbFile, dbCopy, onProgress, options.stepPages);
  const files: BackupFile[] = [{ path: DATABASE_FILE, ...(await hashFile(dbCopy)) }];

  const sources = path.resolve(evidenceDir(dataDir));
  const missing: { path: string; problem: FileProblem }[] = [];
  const present: { name: string; size: number }[] = [];
  for (const name of facts.referenced) {
    const info = backupPathSchema.safeParse(`evidence/${name}`).success ? await stat(path.join(sources, name)).catch(() => null) : null;
    if (info?.isFile()) present.push({ name, size: info.size });
    else missing.push({ path: `evidence/${name}`, problem: 'missing' });
  }
  if (missing.length) throw new BackupError('missingEvidence', { files: missing, detail: dest });
  const totalBytes = present.reduce((n, f) => n + f.size, 0);
  let bytes = 0;
  if (present.length) await mkdir(path.join(dest, 'evidence'), { mode: 0o700 });
  for (const [i, file] of present.entries()) {
    const copied = await copyHashed(path.join(sources, file.name), path.join(dest, 'evidence', file.name), (n) => (bytes += n));
    files.push({ path: `evidence/${file.name}`, ...copied });
    onProgress?.({ phase: 'files', done: i + 1, total: present.length, bytes, totalBytes });
  }
  if (present.length) await syncFolder(path.join(dest, 'evidence'));

  let keyFiles = 0;
  if (key.source !== 'environment') {
    const keysDir = path.join(dataDir, 'keys');
    const names = existsSync(keysDir) ? (await readdir(keysDir, { withFileTypes: true })).filter((e) => e.isFile() && backupPathSchema.safeParse(`keys/${e.name}`).success).map((e) => e.name).sort() : [];
    if (names.length) await mkdir(path.join(dest, 'keys'), { mode: 0o700 });
    for (const name of names) {
      files.push({ path: `keys/${name}`, ...(await copyHashed(path.join(keysDir, name), path.join(dest, 'keys', name))) });
      keyFiles++;
    }
    if (names.length) await syncFolder(path.join(dest, 'keys'));
  }

  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    createdAt,
    schema: facts.schema,
    key: { ...key, tipKeyIds: facts.tipKeyIds },
    counts: { tips: facts.tips, evidenceRows: facts.evidenceRows, evidenceFiles: present.length, keyFiles, bytes: files.reduce((n, f) => n + f.size, 0) },
    files,
  };
  // written last and renamed into place: a folder with a manifest holds a whole backup
  const partial = path.join(dest, `${MANIFEST_FILE}.partial`);
  const handle = await open(partial, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(manifest, null, 1)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(partial, path.join(dest, MANIFEST_FILE));
  await syncFolder(dest);
  return manifest;
}

/**
 * Checks the backup in folder `src` without writing anything: the manifest (format, paths), then
 * every listed file (present, a plain file, size, SHA-256), then the database copy itself (it can
 * be read; every evidence file it refers to is listed; its migrations are known to this code).
 * Returns the manifest. Throws BackupError `noManifest`, `badManifest`, `damaged` (with every file
 * problem found) or `newerSchema`.
 */
export async function verifyBackup(src: string, onProgress?: Progress): Promise<BackupManifest> {
  const dir = path.resolve(src);
  let raw: string;
  try {
    raw = await readFile(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    throw new BackupError('noManifest', { detail: dir });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new BackupError('badManifest', { detail: 'JSON' });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackupError('badManifest', { detail: issue ? `${issue.path.join('.')}: ${issue.message}` : '' });
  }
  const manifest = parsed.data;

  const problems: { path: string; problem: FileProblem }[] = [];
  const totalBytes = manifest.files.reduce((n, f) => n + f.size, 0);
  let bytes = 0;
  for (const [i, file] of manifest.files.entries()) {
    const full = path.join(dir, file.path);
    const info = await lstat(full).catch(() => null);
    if (!info) problems.push({ path: file.path, problem: 'missing' });
    else if (!info.isFile()) problems.push({ path: file.path, problem: 'notFile' });
    else if (info.size !== file.size) problems.push({ path: file.path, problem: 'size' });
    else if ((await hashFile(full, (n) => (bytes += n))).sha256 !== file.sha256) problems.push({ path: file.path, problem: 'checksum' });
    onProgress?.({ phase: 'verify', done: i + 1, total: manifest.files.length, bytes, totalBytes });
  }
  if (problems.length) throw new BackupError('damaged', { files: problems, detail: dir });

  let facts: DatabaseFacts;
  try {
    const sqlite = new Database(path.join(dir, DATABASE_FILE), { readonly: true, fileMustExist: true });
    try {
      facts = factsOf(sqlite);
    } finally {
      sqlite.close();
    }
  } catch {
    throw new BackupError('damaged', { files: [{ path: DATABASE_FILE, problem: 'unreadable' }], detail: dir });
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  const lacking = facts.referenced.filter((name) => !listed.has(`evidence/${name}`)).map((name) => ({ path: `evidence/${name}`, problem: 'notInBackup' as const }));
  if (lacking.length) throw new BackupError('damaged', { files: lacking, detail: dir });
  if (facts.schema.latest !== null && !knownMigrations().some((m) => m.tag === facts.schema.latest)) {
    throw new BackupError('newerSchema', { detail: facts.schema.latest });
  }
  return manifest;
}

/** Options of `restoreBackup`. */
export interface RestoreOptions {
  /** the backup folder (made by `createBackup`) */
  src: string;
  /** the DATA_DIR to restore into: absent, or empty (a stale site.lock aside) */
  dataDir: string;
  onProgress?: Progress;
}

/**
 * Restores the backup in `src` into `dataDir`. Before writing anything: refuses a DATA_DIR whose
 * site is running (BackupError `siteRunning` with its pid) or that holds any file
 * (`dataDirNotEmpty`), and checks the whole backup (`verifyBackup`, its errors). Then it takes
 * DATA_DIR/site.lock for the time of the restore, copies each file (folders 0700, files 0600),
 * checking its SHA-256 again as it is copied (`damaged` / `changed` when it differs), lets the
 * database forget its search index fingerprint, and gives the lock back. On any failure after the
 * first write, everything written is removed (and DATA_DIR itself when the restore created it).
 * Returns the manifest.
 */
export async function restoreBackup(options: RestoreOptions): Promise<BackupManifest> {
  const dataDir = path.resolve(options.dataDir);
  const src = path.resolve(options.src);
  const holder = siteLockHolder(dataDir);
  if (holder !== null) throw new BackupError('siteRunning', { pid: holder, detail: dataDir });
  const state = await folderState(dataDir, ['site.lock']);
  if (state === 'notEmpty' || state === 'notDirectory') throw new BackupError('dataDirNotEmpty', { detail: dataDir });
  const manifest = await verifyBackup(src, options.onProgress);

  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // a site started while the backup was being checked takes the lock first
  const racing = takeSiteLock(dataDir);
  if (racing !== null) throw new BackupError('siteRunning', { pid: racing, detail: dataDir });
  let failed = true;
  try {
    if ((await folderState(dataDir, ['site.lock'])) !== 'empty') throw new BackupError('dataDirNotEmpty', { detail: dataDir });
    const totalBytes = manifest.files.reduce((n, f) => n + f.size, 0);
    let bytes = 0;
    const made = new Set<string>();
    for (const [i, file] of manifest.files.entries()) {
      const kind = kindOfPath(file.path);
      if (kind !== 'database') {
        const folder = path.join(dataDir, kind === 'evidence' ? 'evidence' : 'keys');
        if (!made.has(folder)) await mkdir(folder, { mode: 0o700 });
        made.add(folder);
      }
      const copied = await copyHashed(path.join(src, file.path), path.join(dataDir, file.path), (n) => (bytes += n));
      if (copied.sha256 !== file.sha256 || copied.size !== file.size) throw new BackupError('damaged', { files: [{ path: file.path, problem: 'changed' }], detail: src });
      options.onProgress?.({ phase: 'restore', done: i + 1, total: manifest.files.length, bytes, totalBytes });
    }
    for (const folder of made) await syncFolder(folder);
    const db = openDatabase(path.join(dataDir, DATABASE_FILE));
    try {
      forgetIndexFingerprint(db);
    } finally {
      db.$client.close();
    }
    await syncFolder(dataDir);
    failed = false;
    return manifest;
  } finally {
    if (failed) {
      for (const name of await readdir(dataDir)) if (name !== 'site.lock') await rm(path.join(dataDir, name), { recursive: true, force: true });
    }
    releaseSiteLock(dataDir);
    if (failed && state === 'absent') await rmdir(dataDir).catch(() => undefined);
  }
}
