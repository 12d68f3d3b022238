/**
 * `npm run backup` and `npm run restore` (issue #9 point 5) on real SQLite files in temporary
 * folders: a backup taken by the command (a child process) while tips with evidence keep being
 * filed through `submitTip` is restored by the restore command into a fresh DATA_DIR, where a tip
 * filed before the backup opens (identity, original evidence with its SHA-256, preview) through the
 * same functions staff use, and every evidence file the restored database refers to decrypts to
 * its recorded SHA-256. Then the refusals: a non-empty DEST, a non-empty DATA_DIR, a DATA_DIR whose
 * site holds the lock (another process), damaged backups; and TIP_KEK from the environment, which
 * stays out of the backup. Names and numbers are fictitious.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { staffUsers, tipEvidence, tips } from '../../src/db/schema.ts';
import { manifestSchema, type BackupManifest, type BackupProgress } from '../../src/features/backup/backup.ts';
import { createBackup, restoreBackup } from '../../src/features/backup/backup.server.ts';
import { seedIfEmpty } from '../../src/features/imports/import.server.ts';
import { isIndexStale } from '../../src/features/search/search.server.ts';
import { createFirstAdmin } from '../../src/features/staff/accounts.server.ts';
import type { Actor } from '../../src/features/staff/authz.ts';
import { actorOf } from '../../src/features/staff/sessions.server.ts';
import { openOriginalEvidence, openPreview, revealIdentity } from '../../src/features/tips/confidential.server.ts';
import { EnvelopeError, loadKek, open, type Kek } from '../../src/features/tips/envelope.server.ts';
import { readStoredEvidence } from '../../src/features/tips/evidence.server.ts';
import { runPendingPreviews } from '../../src/features/tips/previews.server.ts';
import { tipFormSchema } from '../../src/features/tips/tip.ts';
import { submitTip } from '../../src/features/tips/tips.server.ts';
import { SEEDS_DIR, TODAY, testClient } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BACKUP = path.join(ROOT, 'src/cli/backup.ts');
const RESTORE = path.join(ROOT, 'src/cli/restore.ts');
const LOCK_CHILD = fileURLToPath(new URL('./fixtures/lock-child.ts', import.meta.url));
const tmp = mkdtempSync(path.join(tmpdir(), 'fangxin-it-backup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const schema = tipFormSchema({ today: () => TODAY });
const PW = 'a staff passphrase 2026';
const REASON = '核对备份恢复后的举报';
const IDENTITY = { name: '测试举报人', mobile: '13800138000' };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command of src/cli with DATA_DIR (and TIP_KEK only when given). */
function runCli(script: string, args: string[], env: { DATA_DIR: string; TIP_KEK?: string }): Promise<Run> {
  const base = { ...process.env };
  delete base.TIP_KEK;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A photo of `width`×`height` random pixels (JPEG: large, incompressible, like a phone's). */
async function photo(width: number, height: number): Promise<Uint8Array> {
  const raw = randomBytes(width * height * 3);
  return new Uint8Array(await sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
}

/** A site's DATA_DIR: migrated database with the real divisions and official tables, 300 demo workshops, a provincial admin. */
async function makeSite(dataDir: string): Promise<Db> {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'fangxin.db');
  const db = openDatabase(file);
  migrateDatabase(db, file);
  seedIfEmpty(db, { demoCount: 300, today: TODAY, dir: SEEDS_DIR });
  await createFirstAdmin(db, { username: 'jx-admin', displayName: '省局管理员', password: PW });
  return db;
}

let tokens = 0;

/** Files a real-name tip with `files` through submitTip (the code behind /report); returns its id. */
async function fileTip(db: Db, kek: Kek, dataDir: string, files: Uint8Array[]): Promise<number> {
  const n = ++tokens;
  const form = schema.parse({
    submissionToken: `backup-token-${String(n).padStart(8, '0')}`,
    subjectName: `测试无名米粉作坊${n}`,
    category: 'hygiene',
    description: `第${n}次举报：作坊在露天地面晾晒米粉，旁边是垃圾堆。`,
    reporterMode: 'realName',
    reporterName: IDENTITY.name,
    mobile: IDENTITY.mobile,
  });
  const r = await submitTip(db, kek, form, new Date(), { dataDir, files: files.map((bytes, i) => ({ bytes, originalName: `photo-${n}-${i}.jpg` })) });
  if (r.kind !== 'created') throw new Error('expected a created tip');
  const row = db.select({ id: tips.id }).from(tips).where(eq(tips.receiptNo, r.receiptNo)).get();
  if (!row) throw new Error('tip not stored');
  return row.id;
}

function manifestOf(dir: string): BackupManifest {
  return manifestSchema.parse(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')));
}

/** The restored site as `npm start` opens it (migrations applied), with its admin. */
function openRestored(dataDir: string): { db: Db; admin: Actor } {
  const file = path.join(dataDir, 'fangxin.db');
  const db = openDatabase(file);
  migrateDatabase(db, file);
  const user = db.select().from(staffUsers).where(eq(staffUsers.username, 'jx-admin')).get();
  if (!user) throw new Error('admin not restored');
  return { db, admin: actorOf(db, user) };
}

/** Every evidence file the database refers to opens with its tip's key, to the SHA-256 recorded on receipt (originals). */
async function everyEvidenceOpens(db: Db, kek: Kek, dataDir: string): Promise<number> {
  let n = 0;
  for (const file of db.select().from(tipEvidence).all()) {
    const tip = db.select().from(tips).where(eq(tips.id, file.tipId)).get();
    const dataKey = open(kek.key, tip?.wrappedDataKey ?? '');
    expect(sha256(await readStoredEvidence(dataDir, dataKey, file.storageName)), file.storageName).toBe(file.sha256);
    if (file.previewStorageName) await readStoredEvidence(dataDir, dataKey, file.previewStorageName);
    n++;
  }
  return n;
}

describe('a backup taken while tips are being filed', () => {
  const site = path.join(tmp, 'site');
  const dest = path.join(tmp, 'backup');
  const restored = path.join(tmp, 'restored');
  let db: Db;
  let kek: Kek;
  const before: { tipId: number; files: Uint8Array[] }[] = [];
  let backupRun: Run;
  let filedDuringBackup = 0;

  beforeAll(async () => {
    db = await makeSite(site);
    kek = loadKek(undefined, site);
    const photos = [await photo(900, 700), await photo(700, 900), await photo(640, 480)];
    for (let i = 0; i < 3; i++) {
      const files = [photos[i % 3], photos[(i + 1) % 3]].filter((p): p is Uint8Array => p !== undefined);
      before.push({ tipId: await fileTip(db, kek, site, files), files });
    }
    await runPendingPreviews({ db, kek, dataDir: site });

    // the writer: tips with evidence one after another, and their previews, until the backup ends
    let stop = false;
    let backupRunning = false;
    const writer = (async () => {
      let i = 0;
      while (!stop) {
        const photoBytes = photos[i++ % 3];
        if (!photoBytes) break;
        await fileTip(db, kek, site, [photoBytes]);
        if (backupRunning) filedDuringBackup++;
        await runPendingPreviews({ db, kek, dataDir: site }, 1);
      }
    })();
    try {
      backupRunning = true;
      backupRun = await runCli(BACKUP, [dest], { DATA_DIR: site });
      backupRunning = false;
    } finally {
      stop = true;
      await writer;
    }
  });

  afterAll(() => db.$client.close());

  it('ends well, with tips filed all along, and says the key is in it', () => {
    expect(backupRun.code, backupRun.stderr).toBe(0);
    expect(filedDuringBackup).toBeGreaterThan(0);
    expect(backupRun.stdout).toContain('备份完成');
    expect(backupRun.stdout).toContain('含有举报加密密钥');
    expect(backupRun.stdout).toContain(kek.id);
    expect(backupRun.stderr).toContain('证据文件：已复制');
  });

  it('holds the database, the evidence files it refers to and the key, each with its SHA-256 in the manifest', () => {
    const manifest = manifestOf(dest);
    const onDisk = ['fangxin.db', ...readdirSync(path.join(dest, 'evidence')).map((f) => `evidence/${f}`), 'keys/tip-kek'].sort();
    expect(manifest.files.map((f) => f.path).sort()).toEqual(onDisk);
    for (const f of manifest.files) expect(sha256(readFileSync(path.join(dest, f.path))), f.path).toBe(f.sha256);
    expect(manifest.key).toEqual({ source: 'dataDir', kekId: kek.id, tipKeyIds: [kek.id] });
    expect(manifest.schema.latest).toMatch(/^\d{4}_/u);
    expect(manifest.counts.tips).toBeGreaterThanOrEqual(before.length);
    expect(manifest.counts.evidenceFiles).toBe(manifest.files.length - 2);
  });

  it('is restored by the restore command into a fresh DATA_DIR', async () => {
    const run = await runCli(RESTORE, [dest], { DATA_DIR: restored });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('已恢复到');
    expect(run.stdout).toContain('已随备份恢复到 DATA_DIR/keys/tip-kek');
    expect(existsSync(path.join(restored, 'site.lock'))).toBe(false);
  });

  it('opens a tip filed before the backup: identity, original evidence with its SHA-256, preview', async () => {
    const { db: rdb, admin: radmin } = openRestored(restored);
    try {
      const rkek = loadKek(undefined, restored);
      expect(rkek.id).toBe(kek.id);
      for (const { tipId, files } of before) {
        const shown = revealIdentity(rdb, rkek, radmin, tipId, REASON);
        expect(shown).toEqual({ kind: 'revealed', identity: { name: IDENTITY.name, mobile: IDENTITY.mobile, idNumber: null, claimReward: false } });
        const rows = rdb.select().from(tipEvidence).where(eq(tipEvidence.tipId, tipId)).orderBy(tipEvidence.position).all();
        expect(rows).toHaveLength(files.length);
        for (const [i, row] of rows.entries()) {
          const original = await openOriginalEvidence(rdb, rkek, restored, radmin, tipId, row.id, REASON);
          expect(sha256(original.bytes)).toBe(sha256(files[i] ?? new Uint8Array()));
          const preview = await openPreview(rdb, rkek, restored, radmin, tipId, row.id);
          expect(preview?.mediaType).toBe('image/jpeg');
          expect((await sharp(preview?.bytes).metadata()).format).toBe('jpeg');
        }
      }
      // the copy is consistent: every file of every tip it holds, filed before or during the backup
      expect(await everyEvidenceOpens(rdb, rkek, restored)).toBe(manifestOf(dest).counts.evidenceRows);
      expect(rdb.select().from(tips).all()).toHaveLength(manifestOf(dest).counts.tips);
      // the site starting on it rebuilds the search index
      expect(await isIndexStale(rdb, testClient())).toBe(true);
      // the source's own copy was not disturbed by the backup
      expect(await everyEvidenceOpens(db, kek, site)).toBeGreaterThanOrEqual(manifestOf(dest).counts.evidenceRows);
    } finally {
      rdb.$client.close();
    }
  });

  it('refuses a DEST that is not empty, and a DEST inside DATA_DIR', async () => {
    const full = path.join(tmp, 'full-dest');
    mkdirSync(full);
    writeFileSync(path.join(full, 'old.txt'), 'x');
    const run = await runCli(BACKUP, [full], { DATA_DIR: site });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('不是空的');
    expect(readdirSync(full)).toEqual(['old.txt']);

    const inside = await runCli(BACKUP, [path.join(site, 'backups', 'b1')], { DATA_DIR: site });
    expect(inside.code).toBe(1);
    expect(inside.stderr).toContain('在 DATA_DIR 之内');
    expect(existsSync(path.join(site, 'backups'))).toBe(false);
  });

  it('restore refuses a DATA_DIR that is not empty, and writes nothing', async () => {
    const dataDir = path.join(tmp, 'not-empty');
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, 'notes.txt'), 'keep me');
    const run = await runCli(RESTORE, [dest], { DATA_DIR: dataDir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('不是空目录');
    expect(readdirSync(dataDir)).toEqual(['notes.txt']);
  });

  it('restore refuses while a site holds the lock of DATA_DIR, and goes ahead once it is gone', async () => {
    const dataDir = path.join(tmp, 'locked');
    mkdirSync(dataDir);
    const holder = spawn(process.execPath, [LOCK_CHILD, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => holder.on('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d: Buffer) => (d.toString().includes('locked') ? resolve() : reject(new Error(d.toString()))));
        holder.on('error', reject);
      });
      const run = await runCli(RESTORE, [dest], { DATA_DIR: dataDir });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`站点正在运行（进程 ${holder.pid}`);
      expect(readdirSync(dataDir)).toEqual(['site.lock']);
    } finally {
      holder.kill('SIGTERM');
      await exited;
    }
    const again = await runCli(RESTORE, [dest], { DATA_DIR: dataDir });
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(path.join(dataDir, 'fangxin.db'))).toBe(true);
  });

  /** A copy of the good backup, damaged by `damage`. */
  function damagedCopy(name: string, damage: (dir: string, manifest: BackupManifest) => void): string {
    const dir = path.join(tmp, `damaged-${name}`);
    cpSync(dest, dir, { recursive: true });
    damage(dir, manifestOf(dest));
    return dir;
  }
  const firstEvidence = (m: BackupManifest) => m.files.find((f) => f.path.startsWith('evidence/'))?.path ?? '';

  it.each<[string, string, (dir: string, m: BackupManifest) => void]>([
    ['one byte of an evidence file changed', 'SHA-256 与清单不符', (dir, m) => {
      const file = path.join(dir, firstEvidence(m));
      const bytes = readFileSync(file);
      bytes[100] = (bytes[100] ?? 0) ^ 0xff;
      writeFileSync(file, bytes);
    }],
    ['an evidence file deleted', '缺失', (dir, m) => rmSync(path.join(dir, firstEvidence(m)))],
    ['the database cut short', '大小与清单不符', (dir) => truncateSync(path.join(dir, 'fangxin.db'), 4096)],
    ['another key put in place of the key', 'keys/tip-kek（SHA-256 与清单不符）', (dir) => writeFileSync(path.join(dir, 'keys/tip-kek'), randomBytes(32).toString('base64'))],
    ['an evidence file and its line of the manifest removed', '数据库引用了它，但备份中没有', (dir, m) => {
      const gone = firstEvidence(m);
      rmSync(path.join(dir, gone));
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...m, files: m.files.filter((f) => f.path !== gone) }));
    }],
    ['a manifest path leading out of the folder', 'manifest.json 无法解读', (dir, m) => {
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...m, files: [...m.files, { path: '../outside.bin', size: 1, sha256: '0'.repeat(64) }] }));
    }],
    ['the manifest not JSON', 'manifest.json 无法解读', (dir) => writeFileSync(path.join(dir, 'manifest.json'), '{ "format": ')],
    ['no manifest (a backup cut short)', '没有 manifest.json', (dir) => rmSync(path.join(dir, 'manifest.json'))],
  ])('restore refuses a backup with %s before writing anything', async (_name, message, damage) => {
    const src = damagedCopy(String(++tokens), damage);
    const dataDir = path.join(tmp, `never-${tokens}`);
    const run = await runCli(RESTORE, [src], { DATA_DIR: dataDir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('restore refuses a backup from a newer version (a migration this code does not know)', async () => {
    const src = damagedCopy('newer', (dir, m) => {
      const file = path.join(dir, 'fangxin.db');
      const sqlite = new Database(file);
      sqlite.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run('f'.repeat(64), 4_102_444_800_000);
      sqlite.close();
      const bytes = readFileSync(file);
      const files = m.files.map((f) => (f.path === 'fangxin.db' ? { ...f, size: bytes.length, sha256: sha256(bytes) } : f));
      writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...m, files }));
    });
    const dataDir = path.join(tmp, 'never-newer');
    const run = await runCli(RESTORE, [src], { DATA_DIR: dataDir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('来自更新版本的坊信（数据库迁移 unknown-4102444800000');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('a file that changes after the check, while being restored, undoes the whole restore', async () => {
    const src = damagedCopy('late', () => undefined);
    const dataDir = path.join(tmp, 'undone');
    const last = manifestOf(src).files.at(-1)?.path ?? '';
    let damaged = false;
    const restoring = restoreBackup({
      src,
      dataDir,
      onProgress: (p) => {
        if (p.phase === 'restore' && !damaged) {
          writeFileSync(path.join(src, last), randomBytes(32).toString('base64'));
          damaged = true;
        }
      },
    });
    await expect(restoring).rejects.toMatchObject({ code: 'damaged', files: [{ path: last, problem: 'changed' }] });
    expect(damaged).toBe(true);
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('TIP_KEK from the environment', () => {
  const site = path.join(tmp, 'env-site');
  const dest = path.join(tmp, 'env-backup');
  const tipKek = randomBytes(32).toString('base64');

  it('stays out of the backup, which says so; restore says which key it needs, and only that key opens the tips', async () => {
    const db = await makeSite(site);
    const kek = loadKek(tipKek, site);
    const evidence = await photo(320, 240);
    const tipId = await fileTip(db, kek, site, [evidence]);
    db.$client.close();

    const backup = await runCli(BACKUP, [dest], { DATA_DIR: site, TIP_KEK: tipKek });
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain(`这份备份不含该密钥（编号 ${kek.id}）`);
    expect(backup.stdout).toContain('不要与数据备份放在一起');
    expect(existsSync(path.join(dest, 'keys'))).toBe(false);
    expect(manifestOf(dest).key).toEqual({ source: 'environment', kekId: kek.id, tipKeyIds: [kek.id] });

    const without = await runCli(RESTORE, [dest], { DATA_DIR: path.join(tmp, 'env-r1') });
    expect(without.code, without.stderr).toBe(0);
    expect(without.stdout).toContain(`须把 TIP_KEK 设为备份时使用的那把密钥（编号 ${kek.id}`);
    const other = randomBytes(32).toString('base64');
    const wrong = await runCli(RESTORE, [dest], { DATA_DIR: path.join(tmp, 'env-r2'), TIP_KEK: other });
    expect(wrong.code, wrong.stderr).toBe(0);
    expect(wrong.stdout).toContain(`警告：当前 TIP_KEK 的编号是 ${loadKek(other, tmp).id}`);
    const right = await runCli(RESTORE, [dest], { DATA_DIR: path.join(tmp, 'env-r3'), TIP_KEK: tipKek });
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toContain(`当前 TIP_KEK（编号 ${kek.id}）正是备份所需的密钥`);

    const restored = path.join(tmp, 'env-r3');
    const { db: rdb, admin } = openRestored(restored);
    try {
      const opened = await openOriginalEvidence(rdb, loadKek(tipKek, restored), restored, admin, tipId, rdb.select().from(tipEvidence).where(eq(tipEvidence.tipId, tipId)).get()?.id ?? 0, REASON);
      expect(sha256(opened.bytes)).toBe(sha256(evidence));
      // without TIP_KEK the restored site has no key of its own that opens them
      expect(() => revealIdentity(rdb, loadKek(undefined, path.join(tmp, 'env-r1')), admin, tipId, REASON)).toThrow(EnvelopeError);
    } finally {
      rdb.$client.close();
    }
  });
});

describe('the database copy on a busy site', () => {
  it('starts over when the site writes between two steps, takes the rest in one step, and holds that write', async () => {
    const site = path.join(tmp, 'busy-site');
    const db = await makeSite(site);
    const events: BackupProgress[] = [];
    let wrote = false;
    try {
      const manifest = await createBackup({
        dataDir: site,
        dest: path.join(tmp, 'busy-backup'),
        stepPages: 8,
        onProgress: (p) => {
          events.push(p);
          // another connection writes between two steps of the copy, as the site does
          if (p.phase === 'database' && p.done > 0 && !wrote) {
            db.$client.prepare("INSERT INTO meta (key, value) VALUES ('backup-test', 'written during the copy')").run();
            wrote = true;
          }
        },
      });
      expect(wrote).toBe(true);
      expect(events.filter((e) => e.restarted)).toHaveLength(1);
      const database = events.filter((e) => e.phase === 'database');
      expect(database.length).toBeLessThan(10);
      expect(database.at(-1)?.done).toBe(database.at(-1)?.total);
      expect(manifest.counts.tips).toBe(0);
      const copy = openDatabase(path.join(tmp, 'busy-backup', 'fangxin.db'));
      try {
        expect(copy.$client.prepare("SELECT value FROM meta WHERE key = 'backup-test'").get()).toEqual({ value: 'written during the copy' });
      } finally {
        copy.$client.close();
      }
    } finally {
      db.$client.close();
    }
  });
});
