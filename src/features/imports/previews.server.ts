/**
 * Uploaded tables waiting for a decision (issue #5 point 5), kept on the server, never in the
 * session: one JSON file per upload under `DATA_DIR/imports/<id>.json` holding the file's name and
 * type, the header and raw rows (corrections applied), the announcement of a sampling table and
 * the staff decisions per row. The preview shown is computed from it on every view (`planImport`),
 * so it always reflects the parties on file. A preview belongs to the user who uploaded it; it is
 * removed after its commit, when discarded, or a day after the upload (`sweepPreviews`).
 *
 * Commits run as jobs of this process (`startCommit`): the rows are written in one transaction,
 * then the search documents of the touched parties are updated in batches; the job's progress is
 * kept in memory and its result in `DATA_DIR/imports/<id>.result.json` (also removed after a day).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Meilisearch } from 'meilisearch';
import type { Db } from '../../db/client.ts';
import { z } from '../../lib/zod.ts';
import { reindexParties } from '../search/search.server.ts';
import type { Actor } from '../staff/authz.ts';
import { commitImport, ImportBlockedError, type ImportKind, type ImportPlan, type RowDecision } from './import.server.ts';
import { announcementSchema, type Announcement } from './official.ts';
import { parseTable } from './tables.ts';

/** How long an upload waits for its commit, and a result stays readable (ms). */
export const PREVIEW_TTL_MS = 24 * 60 * 60 * 1000;

/** Parties whose search documents are sent to Meilisearch in one request during a commit. */
export const INDEX_BATCH = 50;

const idSchema = z.string().regex(/^[0-9a-f]{24}$/u);

const decisionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('auto') }),
  z.object({ action: z.literal('create'), countyCode: z.string().regex(/^\d{6}$/u).nullish() }),
  z.object({ action: z.literal('pick'), partyId: z.number().int().positive() }),
  z.object({ action: z.literal('skip') }),
]);

const previewSchema = z.object({
  version: z.literal(1),
  id: idSchema,
  userId: z.number().int(),
  fileName: z.string(),
  fileType: z.enum(['csv', 'xlsx']),
  kind: z.enum(['sampling', 'penalties']),
  announcement: announcementSchema.nullable(),
  createdAt: z.string(),
  header: z.array(z.string()),
  records: z.array(z.array(z.string())),
  decisions: z.record(z.string(), decisionSchema),
});

/** An upload waiting for its commit (see the module comment). */
export type StoredPreview = z.infer<typeof previewSchema>;

function dirOf(dataDir: string): string {
  return path.join(dataDir, 'imports');
}

/** Whether `id` has the shape of a preview id (24 hex digits): anything else names no file. */
export function isPreviewId(id: string | undefined): id is string {
  return idSchema.safeParse(id).success;
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}

/** Removes previews and results older than `PREVIEW_TTL_MS` (and stray temporary files). */
export function sweepPreviews(dataDir: string, now: Date = new Date()): void {
  const dir = dirOf(dataDir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      if (now.getTime() - statSync(file).mtimeMs > PREVIEW_TTL_MS) rmSync(file, { force: true });
    } catch {
      // removed meanwhile
    }
  }
}

/** Stores a new upload and returns its id. */
export function createPreview(dataDir: string, input: Omit<StoredPreview, 'version' | 'id' | 'createdAt' | 'decisions'>, now: Date = new Date()): string {
  sweepPreviews(dataDir, now);
  mkdirSync(dirOf(dataDir), { recursive: true, mode: 0o700 });
  const id = randomBytes(12).toString('hex');
  const preview: StoredPreview = { version: 1, id, createdAt: now.toISOString(), decisions: {}, ...input };
  writeAtomic(path.join(dirOf(dataDir), `${id}.json`), JSON.stringify(preview));
  return id;
}

/** The upload `id` of user `userId`, or null (no such file, expired, another user's, unreadable). */
export function loadPreview(dataDir: string, id: string, userId: number, now: Date = new Date()): StoredPreview | null {
  if (!isPreviewId(id)) return null;
  try {
    const parsed = previewSchema.safeParse(JSON.parse(readFileSync(path.join(dirOf(dataDir), `${id}.json`), 'utf8')));
    if (!parsed.success || parsed.data.userId !== userId) return null;
    if (now.getTime() - Date.parse(parsed.data.createdAt) > PREVIEW_TTL_MS) return null;
    return parsed.data;
  } catch {
    return null;
  }
}

/** Writes a changed preview back. */
export function savePreview(dataDir: string, preview: StoredPreview): void {
  writeAtomic(path.join(dirOf(dataDir), `${preview.id}.json`), JSON.stringify(preview));
}

/** Removes an upload (after its commit, or discarded). */
export function deletePreview(dataDir: string, id: string): void {
  if (isPreviewId(id)) rmSync(path.join(dirOf(dataDir), `${id}.json`), { force: true });
}

/** The uploads of `userId` still waiting, newest first. */
export function listPreviews(dataDir: string, userId: number, now: Date = new Date()): { id: string; fileName: string; kind: ImportKind; createdAt: string; rows: number }[] {
  let names: string[];
  try {
    names = readdirSync(dirOf(dataDir));
  } catch {
    return [];
  }
  return names
    .map((n) => /^([0-9a-f]{24})\.json$/u.exec(n)?.[1])
    .filter((id): id is string => !!id)
    .map((id) => loadPreview(dataDir, id, userId, now))
    .filter((p): p is StoredPreview => p !== null)
    .map((p) => ({ id: p.id, fileName: p.fileName, kind: p.kind, createdAt: p.createdAt, rows: p.records.length }))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** The staff decisions of a preview, by row number. */
export function decisionsOf(preview: StoredPreview): Record<number, RowDecision> {
  return Object.fromEntries(Object.entries(preview.decisions).map(([row, d]) => [Number(row), d as RowDecision]));
}

/** The validated rows of a preview (its stored header and rows, corrections included). */
export function parsedOf(preview: StoredPreview) {
  return parseTable(preview.kind, { header: preview.header, records: preview.records });
}

/**
 * Replaces cells of row `row` (1-based, below the header) by `cells` (column name → text) and
 * returns the row's errors after the correction (empty = the row is valid now). Columns not in the
 * header are ignored. The caller saves the preview.
 */
export function correctRow(preview: StoredPreview, row: number, cells: Readonly<Record<string, string>>): { row: number; column: string | null; message: string }[] {
  const record = preview.records[row - 1];
  if (!record) return [{ row, column: null, message: `没有第${row}行` }];
  for (const [column, value] of Object.entries(cells)) {
    const i = preview.header.indexOf(column);
    if (i < 0) continue;
    while (record.length <= i) record.push('');
    record[i] = value.replace(/\r\n?/gu, '\n').slice(0, 4000);
  }
  // a correction re-checks the row exactly as the whole table is checked (the header was checked on upload)
  return parseTable(preview.kind, { header: preview.header, records: [record] }, row).errors;
}

/** Progress and result of a commit (see the module comment). */
export interface CommitJob {
  id: string;
  userId: number;
  fileName: string;
  kind: ImportKind;
  /** writing: the transaction runs; indexing: the rows are committed, search documents are being updated; done */
  phase: 'writing' | 'indexing' | 'done';
  rowsWritten: number;
  newParties: number;
  skipped: number;
  batches: { done: number; total: number };
  /** the search engine did not take the update: the next start rebuilds the stale index */
  indexError: boolean;
  /** touched parties (first 50), for links to their profiles */
  partyIds: number[];
  startedAt: string;
  finishedAt: string | null;
}

const JOBS = Symbol.for('fangxin.importJobs');

function jobs(): Map<string, CommitJob> {
  const g = globalThis as { [JOBS]?: Map<string, CommitJob> };
  g[JOBS] ??= new Map();
  return g[JOBS];
}

function saveResult(dataDir: string, job: CommitJob): void {
  try {
    mkdirSync(dirOf(dataDir), { recursive: true, mode: 0o700 });
    writeAtomic(path.join(dirOf(dataDir), `${job.id}.result.json`), JSON.stringify(job));
  } catch {
    // the in-memory job still answers
  }
}

/** The commit job of upload `id` for user `userId`: running (memory) or finished (result file); null when none. */
export function commitJob(dataDir: string, id: string, userId: number): CommitJob | null {
  if (!isPreviewId(id)) return null;
  const running = jobs().get(id);
  if (running) return running.userId === userId ? running : null;
  try {
    const job = JSON.parse(readFileSync(path.join(dirOf(dataDir), `${id}.result.json`), 'utf8')) as CommitJob;
    return job.userId === userId ? job : null;
  } catch {
    return null;
  }
}

/**
 * Commits upload `preview` as `actor`: writes every row in one transaction (`commitImport`, which
 * plans again inside it and appends the audit entry: who, file name, counts), removes the upload,
 * then updates the search documents of the touched parties in batches of `INDEX_BATCH` without
 * holding up the caller (follow it with `commitJob`). Returns the job once the transaction has
 * committed; throws `ImportBlockedError` (nothing written) when the preview cannot be committed.
 * A search engine that fails leaves the data committed and the job marked `indexError`.
 */
export function startCommit(db: Db, client: Meilisearch, dataDir: string, preview: StoredPreview, actor: Actor, today?: string): CommitJob {
  const job: CommitJob = {
    id: preview.id,
    userId: preview.userId,
    fileName: preview.fileName,
    kind: preview.kind,
    phase: 'writing',
    rowsWritten: 0,
    newParties: 0,
    skipped: 0,
    batches: { done: 0, total: 0 },
    indexError: false,
    partyIds: [],
    startedAt: new Date().toISOString(),
    finishedAt: null,
  };
  jobs().set(job.id, job);
  let partyIds: number[];
  try {
    const summary = commitImport(db, preview.kind, parsedOf(preview), {
      decisions: decisionsOf(preview),
      actor,
      announcement: preview.announcement as Announcement | null,
      audit: { userId: actor.id, divisionCode: actor.divisionCode, fileName: preview.fileName, importId: preview.id },
    });
    partyIds = [...new Set(summary.partyIds)];
    Object.assign(job, { rowsWritten: summary.records, newParties: summary.parties, skipped: summary.skipped, partyIds: partyIds.slice(0, 50) });
  } catch (e) {
    jobs().delete(job.id);
    throw e;
  }
  deletePreview(dataDir, preview.id);
  job.phase = 'indexing';
  job.batches.total = Math.ceil(partyIds.length / INDEX_BATCH);
  void (async () => {
    try {
      for (let i = 0; i < partyIds.length; i += INDEX_BATCH) {
        await reindexParties(db, client, partyIds.slice(i, i + INDEX_BATCH), today);
        job.batches.done++;
      }
    } catch {
      job.indexError = true;
    }
    job.phase = 'done';
    job.finishedAt = new Date().toISOString();
    saveResult(dataDir, job);
    // the result file answers from now on
    setTimeout(() => jobs().delete(job.id), 60_000).unref();
  })();
  return job;
}

export { ImportBlockedError, type ImportPlan };
