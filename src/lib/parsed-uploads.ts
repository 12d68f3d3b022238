/**
 * Hand-over of files parsed from a tip upload by the site's HTTP server (src/cli/upload-guard.ts,
 * which reads the multipart stream once, with the per-file limit) to the Astro Action that stores
 * them (src/actions/index.ts), so that 16 MB of photos are not parsed and copied again by Astro.
 *
 * The server replaces the upload's body by its text fields alone, keeps the files here under a
 * random id and names the id in the request header UPLOAD_HEADER, which it removes from every
 * request that comes from outside (so it cannot be forged). The store lives on `globalThis`
 * because the server (start.ts) and the Astro bundle load this module separately in one process.
 * An entry is taken once; entries nobody took (the request was refused before the action ran) are
 * dropped after ENTRY_TTL_MS.
 */
import { randomBytes } from 'node:crypto';

/** Request header naming the parsed upload (set only by the site's own server). */
export const UPLOAD_HEADER = 'x-fangxin-parsed-upload';

/** One file of an upload: the form field, the name the device gave it (text only), the bytes. */
export interface ParsedFile {
  field: string;
  name: string;
  bytes: Buffer;
}

const ENTRY_TTL_MS = 5 * 60 * 1000;
const STORE = Symbol.for('fangxin.parsedUploads');

type Store = Map<string, { files: ParsedFile[]; at: number }>;

function store(): Store {
  const g = globalThis as { [STORE]?: Store };
  g[STORE] ??= new Map();
  return g[STORE];
}

/** Keeps `files` and returns the id to put in UPLOAD_HEADER. */
export function putParsedUpload(files: ParsedFile[], now = Date.now()): string {
  const s = store();
  for (const [id, entry] of s) if (now - entry.at > ENTRY_TTL_MS) s.delete(id);
  const id = randomBytes(18).toString('base64url');
  s.set(id, { files, at: now });
  return id;
}

/** The files kept under `id` (removed from the store), or null when there is no such entry. */
export function takeParsedUpload(id: string | null | undefined): ParsedFile[] | null {
  if (!id) return null;
  const s = store();
  const entry = s.get(id);
  if (!entry) return null;
  s.delete(id);
  return entry.files;
}

/**
 * Files kept for a form that was refused, so that the reporter without JavaScript does not have
 * to choose them again (issue #4 point 1: errors "keep what was typed and uploaded"). Keyed by the
 * form's random `submissionToken`, which only that browser's page holds; in memory only (never on
 * disk unsealed), for KEPT_TTL_MS, at most KEPT_MAX_BYTES in all (the oldest are dropped first).
 */
const KEPT = Symbol.for('fangxin.keptUploads');
const KEPT_TTL_MS = 30 * 60 * 1000;
const KEPT_MAX_BYTES = 200 * 1024 * 1024;

type Kept = Map<string, { files: ParsedFile[]; at: number; bytes: number }>;

function kept(): Kept {
  const g = globalThis as { [KEPT]?: Kept };
  g[KEPT] ??= new Map();
  return g[KEPT];
}

function pruneKept(now: number): void {
  const k = kept();
  for (const [token, entry] of k) if (now - entry.at > KEPT_TTL_MS) k.delete(token);
  let total = [...k.values()].reduce((n, e) => n + e.bytes, 0);
  for (const [token, entry] of k) {
    if (total <= KEPT_MAX_BYTES) break;
    k.delete(token);
    total -= entry.bytes;
  }
}

/** Keeps `files` for the form `token` (replacing what was kept for it). */
export function keepUpload(token: string, files: ParsedFile[], now = Date.now()): void {
  const k = kept();
  k.delete(token);
  k.set(token, { files, at: now, bytes: files.reduce((n, f) => n + f.bytes.byteLength, 0) });
  pruneKept(now);
}

/** The files kept for `token` (still kept), or an empty list. */
export function keptUpload(token: string | null | undefined, now = Date.now()): ParsedFile[] {
  if (!token) return [];
  pruneKept(now);
  return kept().get(token)?.files ?? [];
}

/** Forgets the files kept for `token` (the tip was stored, or a kept file was refused). */
export function dropKeptUpload(token: string | null | undefined): void {
  if (token) kept().delete(token);
}
