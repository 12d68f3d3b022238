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
