/**
 * Backups of a site's data (issue #9 point 5): what a backup folder holds and how its manifest is
 * shaped. Pure code; copying and checking are in ./backup.server.ts.
 *
 * A backup folder holds `fangxin.db` (a snapshot made with SQLite's backup API), the sealed
 * evidence files the snapshot refers to (`evidence/<32 hex>.bin`: originals and previews), the key
 * files of `DATA_DIR/keys/` unless TIP_KEK comes from the environment, and `manifest.json`, written
 * last: a folder without it is not a finished backup.
 */
import { z } from '../../lib/zod.ts';

/** Name of the manifest inside a backup folder. */
export const MANIFEST_FILE = 'manifest.json';

/** Format tag of the manifest; a restore refuses any other. */
export const BACKUP_FORMAT = 'fangxin-backup/1';

/** Name of the database inside a backup folder (and inside DATA_DIR). */
export const DATABASE_FILE = 'fangxin.db';

/**
 * A path inside a backup folder: the database, a sealed evidence file under its generated name, or
 * a key file. Nothing else, so a manifest can never make a restore write outside DATA_DIR.
 */
export const backupPathSchema = z.string().regex(/^(?:fangxin\.db|evidence\/[0-9a-f]{32}\.bin|keys\/[A-Za-z0-9][A-Za-z0-9._-]{0,63})$/u);

/** Which kind of file a backup path is. */
export function kindOfPath(p: string): 'database' | 'evidence' | 'key' {
  if (p === DATABASE_FILE) return 'database';
  return p.startsWith('evidence/') ? 'evidence' : 'key';
}

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/u);

/** One file of a backup: its path inside the folder, size in bytes, SHA-256 (hex) of its bytes. */
export const manifestFileSchema = z.strictObject({
  path: backupPathSchema,
  size: z.number().int().min(0),
  sha256: sha256Schema,
});

/**
 * The manifest. `schema`: the drizzle migrations applied to the database copy (`latest` is the
 * tag of the newest, e.g. `0005_workflow_replies`). `key.source`: where the tips' key-encryption
 * key was — `dataDir` (generated into DATA_DIR/keys, copied into this backup), `environment`
 * (TIP_KEK: not in this backup) or `none` (no key yet: no tip was sealed); `kekId` is its id
 * (first 16 hex of its SHA-256, as in `tips.key_id`: not secret), `tipKeyIds` the key ids the tips
 * of the copy are wrapped with. `counts`: rows of the copy and files of the folder.
 */
export const manifestSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  createdAt: z.iso.datetime(),
  schema: z.strictObject({ migrations: z.number().int().min(0), latest: z.string().nullable() }),
  key: z.strictObject({
    source: z.enum(['dataDir', 'environment', 'none']),
    kekId: z.string().regex(/^[0-9a-f]{16}$/u).nullable(),
    tipKeyIds: z.array(z.string()),
  }),
  counts: z.strictObject({
    tips: z.number().int().min(0),
    evidenceRows: z.number().int().min(0),
    evidenceFiles: z.number().int().min(0),
    keyFiles: z.number().int().min(0),
    bytes: z.number().int().min(0),
  }),
  files: z.array(manifestFileSchema).refine((files) => files.filter((f) => f.path === DATABASE_FILE).length === 1, 'exactly one database')
    .refine((files) => new Set(files.map((f) => f.path)).size === files.length, 'each path once'),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type BackupFile = z.infer<typeof manifestFileSchema>;

/**
 * What is wrong with one file: `missing`, `notFile` (a folder or link where a file should be),
 * `size` / `checksum` (not the bytes the manifest lists), `unreadable` (the database copy cannot be
 * read), `notInBackup` (the database refers to an evidence file the backup does not hold),
 * `changed` (the bytes read while restoring differ from those just verified).
 */
export type FileProblem = 'missing' | 'notFile' | 'size' | 'checksum' | 'unreadable' | 'notInBackup' | 'changed';

/**
 * Why a backup or a restore refused. Backup: `noDatabase` (DATA_DIR has no database),
 * `destNotEmpty` (DEST holds something), `destNotDirectory`, `destInsideDataDir`, `missingEvidence`
 * (`files`: evidence the database refers to is missing from DATA_DIR). Restore: `siteRunning`
 * (`pid` holds DATA_DIR/site.lock), `dataDirNotEmpty`, `noManifest`, `badManifest`, `damaged`
 * (`files`: what is wrong with which file), `newerSchema` (the backup's database has a migration
 * this code does not know: `detail`). `detail` otherwise names the folder concerned.
 */
export type BackupErrorCode =
  | 'noDatabase'
  | 'destNotEmpty'
  | 'destNotDirectory'
  | 'destInsideDataDir'
  | 'missingEvidence'
  | 'siteRunning'
  | 'dataDirNotEmpty'
  | 'noManifest'
  | 'badManifest'
  | 'damaged'
  | 'newerSchema';

/** A refusal of a backup or restore, with what its message needs (see BackupErrorCode). */
export class BackupError extends Error {
  readonly code: BackupErrorCode;
  readonly pid: number | null;
  readonly files: { path: string; problem: FileProblem }[];
  readonly detail: string;

  constructor(code: BackupErrorCode, options: { pid?: number; files?: { path: string; problem: FileProblem }[]; detail?: string } = {}) {
    super(`${code}${options.detail ? `: ${options.detail}` : ''}${options.files?.length ? ` (${options.files.length} files)` : ''}`);
    this.name = 'BackupError';
    this.code = code;
    this.pid = options.pid ?? null;
    this.files = options.files ?? [];
    this.detail = options.detail ?? '';
  }
}

/**
 * What a restored site needs for its key, from the backup's key record and the id of the TIP_KEK
 * set where the restore runs (null when unset; the site prefers TIP_KEK over DATA_DIR/keys):
 * `noKeyYet` (no tip was sealed); `restoredFromBackup` (the key came with the backup and TIP_KEK
 * is unset or the same key); `envOverridesBackup` (the key came with the backup but a different
 * TIP_KEK is set: the site would use that one and fail to open the tips); `setTipKek` (the key is
 * not in the backup and TIP_KEK is unset); `tipKekMatches` / `tipKekDiffers` (it is not in the
 * backup and TIP_KEK is / is not the key the backup was made with).
 */
export type KeyAdvice = 'noKeyYet' | 'restoredFromBackup' | 'envOverridesBackup' | 'setTipKek' | 'tipKekMatches' | 'tipKekDiffers';

/** See KeyAdvice. */
export function keyAdvice(key: BackupManifest['key'], envKekId: string | null): KeyAdvice {
  if (key.source === 'none') return 'noKeyYet';
  if (key.source === 'dataDir') return envKekId === null || envKekId === key.kekId ? 'restoredFromBackup' : 'envOverridesBackup';
  if (envKekId === null) return 'setTipKek';
  return envKekId === key.kekId ? 'tipKekMatches' : 'tipKekDiffers';
}

/**
 * Progress of a long step: `phase` (`database`: pages copied of `total`; `files`: files copied,
 * `bytes` of `totalBytes`; `verify`: backup files checked; `restore`: files written), `done` of
 * `total`. `restarted`: the database copy started over because the site wrote meanwhile, and is
 * now taken in one step.
 */
export interface BackupProgress {
  phase: 'database' | 'files' | 'verify' | 'restore';
  done: number;
  total: number;
  bytes?: number;
  totalBytes?: number;
  restarted?: boolean;
}
