/**
 * Receiving and storing a tip's evidence files (DESIGN.md "Tip-offs" → Evidence). The type is
 * decided from the bytes (`file-type`); SVG, polyglots, empty, oversized, over-pixel and
 * structurally broken (cut short, bad chunks: ./file-structure.ts) files are refused (./evidence.ts).
 * The original is kept byte for byte (its metadata is evidence), sealed with the tip's data key
 * (AES-256-GCM, ./envelope.server.ts) under `<dataDir>/evidence/<32 hex>.bin` (folder 0700, files
 * 0600); the names are generated, the uploaded name is kept as text only.
 *
 * Crash safety: a sealed file is written under a temporary name (`<32 hex>.bin.tmp`), flushed to
 * disk, renamed, and the folder flushed, all before the caller commits the row that names it. A
 * crash at any point (of the process or of the machine) therefore leaves at most files no row
 * names, never a row naming a missing or partial file; `sweepOrphanEvidence`
 * (./orphans.server.ts) removes those at the next start.
 *
 * What anyone is shown is a preview re-encoded by sharp to JPEG, rotated upright from EXIF, at
 * most 2000 px on the long side, without any metadata (`makePreview`). Previews are made after the
 * tip is stored, by the preview queue (./previews.server.ts): the reporter gets the receipt without
 * waiting for pixels to be decoded.
 *
 * HEIC/HEIF: the prebuilt sharp here decodes AVIF only (libheif without an HEVC decoder), so a
 * HEIC photo is accepted and kept, and its preview ends 'unsupported'. Should a build with HEVC be
 * installed, the same code makes its preview.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, open as openFile, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { openBytes, sealParts } from './envelope.server.ts';
import { fileStructure } from './file-structure.ts';
import {
  EVIDENCE_LIMITS,
  EvidenceError,
  IMAGE_EVIDENCE_TYPES,
  findPolyglotMarker,
  isAcceptedEvidenceType,
  looksLikeSvgOrXml,
  safeDisplayName,
  tooManyEvidenceFiles,
  type EvidenceMediaType,
} from './evidence.ts';

/**
 * What the bytes of an accepted file are: `mediaType` from the bytes, `sizeBytes` (bytes),
 * `sha256` (hex of the original bytes); for images whose header could be read, `width` × `height`
 * in pixels as shown upright (EXIF orientation applied).
 */
export interface InspectedEvidence {
  mediaType: EvidenceMediaType;
  sizeBytes: number;
  sha256: string;
  width?: number;
  height?: number;
}

/**
 * The re-encoded copy shown to people: `ready` with JPEG `bytes` (no metadata) and its `width` ×
 * `height` in pixels; `unsupported` when the image cannot be decoded here (HEIC without an HEVC
 * decoder); `none` for PDF and MP4, which get no preview.
 */
export interface EvidencePreview {
  status: 'ready' | 'unsupported' | 'none';
  bytes?: Uint8Array;
  mediaType?: string;
  width?: number;
  height?: number;
}

/**
 * One stored file, shaped as a `tipEvidence` row without `tipId`/`receivedAt` (`originalName` is
 * the cleaned display name; `width`/`height` are the original's upright pixels, null when
 * unknown), plus `paths`: the absolute paths written (original, then preview), for cleanup.
 */
export interface StoredEvidence {
  position: number;
  originalName: string;
  mediaType: EvidenceMediaType;
  sizeBytes: number;
  sha256: string;
  storageName: string;
  previewStorageName: null;
  previewMediaType: null;
  /** `pending` for images (the preview queue makes it), `none` for PDF and MP4 */
  previewStatus: 'pending' | 'none';
  width: number | null;
  height: number | null;
  paths: string[];
}

/** An uploaded file: its bytes and the name the reporter's device gave it (text only). */
export interface EvidenceUpload {
  bytes: Uint8Array;
  originalName: string;
}

const HEIF_TYPES: readonly string[] = ['image/heic', 'image/heif'];
const STORAGE_NAME = /^[0-9a-f]{32}\.bin$/u;
const TEMP_NAME = /^[0-9a-f]{32}\.bin\.tmp$/u;

/** Whether `name` is a sealed file's storage name (`<32 hex>.bin`). */
export function isStorageName(name: string): boolean {
  return STORAGE_NAME.test(name);
}

/** Whether `name` is a sealed file being written (`<32 hex>.bin.tmp`), see the module comment. */
export function isTempStorageName(name: string): boolean {
  return TEMP_NAME.test(name);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function isPixelLimitError(e: unknown): boolean {
  return e instanceof Error && /pixel limit/iu.test(e.message);
}

/**
 * Decides what an uploaded file is from its bytes and checks it against the rules. Throws
 * EvidenceError (naming `originalName`): `empty` (0 bytes), `tooLarge` (over 20 MiB), `svg` (SVG
 * or XML text), `type` (not accepted: unknown, text, AVIF, QuickTime…), `polyglot` (an image also
 * carrying HTML, a PDF header or a ZIP archive, see `findPolyglotMarker`), `pixels` (an image
 * declaring over 40,000,000 pixels; only the header is read), `corrupt` (cut short or with broken
 * chunks, see ./file-structure.ts, or a JPEG/PNG/WebP whose header cannot be read). A HEIC whose
 * header sharp cannot read is accepted without dimensions. No pixels are decoded here.
 */
export async function inspectEvidence(bytes: Uint8Array, originalName: string): Promise<InspectedEvidence> {
  if (bytes.byteLength === 0) throw new EvidenceError('empty', originalName);
  if (bytes.byteLength > EVIDENCE_LIMITS.maxBytes) throw new EvidenceError('tooLarge', originalName);
  if (looksLikeSvgOrXml(bytes)) throw new EvidenceError('svg', originalName);
  const detected = await fileTypeFromBuffer(bytes);
  if (detected?.mime === 'image/svg+xml' || detected?.mime === 'application/xml') throw new EvidenceError('svg', originalName);
  if (!detected || !isAcceptedEvidenceType(detected.mime)) throw new EvidenceError('type', originalName);
  const mediaType = detected.mime;
  if (fileStructure(bytes, mediaType) !== 'ok') throw new EvidenceError('corrupt', originalName);
  const result: InspectedEvidence = {
    mediaType,
    sizeBytes: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  if (!IMAGE_EVIDENCE_TYPES.includes(mediaType)) return result;
  if (findPolyglotMarker(bytes) !== null) throw new EvidenceError('polyglot', originalName);
  let size: { width: number; height: number } | undefined;
  try {
    const meta = await sharp(asBuffer(bytes), { limitInputPixels: false }).metadata();
    size = meta.autoOrient;
  } catch {
    if (!HEIF_TYPES.includes(mediaType)) throw new EvidenceError('corrupt', originalName);
  }
  if (size) {
    if (size.width * size.height > EVIDENCE_LIMITS.maxPixels) throw new EvidenceError('pixels', originalName);
    result.width = size.width;
    result.height = size.height;
  }
  return result;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`preview timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The preview of an inspected file (see EvidencePreview). Images are decoded with sharp (at most
 * 40,000,000 input pixels), rotated upright from EXIF, shrunk to at most 2000 px on the long side
 * (never enlarged) and re-encoded to JPEG (quality 85) without metadata; decoding stops after 10 s.
 * HEIC/HEIF that cannot be decoded (or times out) → `unsupported`; PDF/MP4 → `none`. Throws
 * EvidenceError `pixels` (over the pixel limit) or `corrupt` (undecodable or timed out) for other
 * images; `originalName` only names the file in that error.
 */
export async function makePreview(bytes: Uint8Array, mediaType: string, originalName = ''): Promise<EvidencePreview> {
  if (!(IMAGE_EVIDENCE_TYPES as readonly string[]).includes(mediaType)) return { status: 'none' };
  const seconds = Math.ceil(EVIDENCE_LIMITS.previewTimeoutMs / 1000);
  try {
    const work = sharp(asBuffer(bytes), { limitInputPixels: EVIDENCE_LIMITS.maxPixels, failOn: 'error' })
      .timeout({ seconds })
      .rotate()
      .resize({ width: EVIDENCE_LIMITS.previewMaxSide, height: EVIDENCE_LIMITS.previewMaxSide, fit: 'inside', withoutEnlargement: true })
      // plain libjpeg: mozjpeg made each 5 MB photo's preview ~1 s of CPU (tests/bench/tips.ts)
      .jpeg({ quality: 82, mozjpeg: false })
      .toBuffer({ resolveWithObject: true });
    // sharp's own timeout counts processing time only; this backstop is long enough that waiting
    // in sharp's queue under load never turns a valid photo into a "corrupt" one
    const { data, info } = await withTimeout(work, EVIDENCE_LIMITS.previewTimeoutMs * 12);
    return { status: 'ready', bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), mediaType: 'image/jpeg', width: info.width, height: info.height };
  } catch (e) {
    if (HEIF_TYPES.includes(mediaType)) return { status: 'unsupported' };
    throw new EvidenceError(isPixelLimitError(e) ? 'pixels' : 'corrupt', originalName);
  }
}

async function writeSealed(dir: string, dataKey: Buffer, plaintext: Uint8Array, written: string[]): Promise<string> {
  const storageName = `${randomBytes(16).toString('hex')}.bin`;
  const file = path.join(dir, storageName);
  const temp = `${file}.tmp`;
  const sealed = sealParts(dataKey, plaintext);
  // 'wx': never overwrite
  const handle = await openFile(temp, 'wx', 0o600);
  try {
    try {
      const { bytesWritten } = await handle.writev(sealed);
      const total = sealed.reduce((n, part) => n + part.byteLength, 0);
      if (bytesWritten !== total) throw new Error(`short write of a sealed evidence file: ${bytesWritten} of ${total} bytes`);
      // on the disk before it has its name, so the name never stands for a partial file
      await handle.datasync();
    } finally {
      await handle.close();
    }
    written.push(file);
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw e;
  }
  return storageName;
}

/** Flushes the folder's entries (the renames) to disk; a file system that cannot is left as it is. */
async function syncDir(dir: string): Promise<void> {
  const handle = await openFile(dir, 'r');
  try {
    await handle.sync();
  } catch (e) {
    if (!['EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    await handle.close();
  }
}

/**
 * Validates and stores a tip's evidence files, sealed with the tip's 32-byte `dataKey`. All files
 * are checked first (`tooMany` over 10 files, then `inspectEvidence` on each), so an EvidenceError
 * there leaves nothing written. Then each original is sealed and written to
 * `<dataDir>/evidence/<32 hex>.bin` (folder created 0700, files 0600), on disk under those names
 * when this resolves (see the module comment); images get previewStatus
 * `pending` for the preview queue. On any failure (a full disk…) every file written by this call
 * is deleted and the error is rethrown. Returns one row per file, in order (`position` from 0).
 */
export async function storeEvidence(dataDir: string, dataKey: Buffer, files: EvidenceUpload[]): Promise<StoredEvidence[]> {
  if (tooManyEvidenceFiles(files.length)) throw new EvidenceError('tooMany');
  const inspected: InspectedEvidence[] = [];
  for (const file of files) inspected.push(await inspectEvidence(file.bytes, file.originalName));
  if (files.length === 0) return [];
  const dir = evidenceDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const written: string[] = [];
  const rows: StoredEvidence[] = [];
  try {
    for (const [position, file] of files.entries()) {
      const info = inspected[position];
      if (!info) throw new Error('internal: inspected file missing');
      const first = written.length;
      const storageName = await writeSealed(dir, dataKey, file.bytes, written);
      rows.push({
        position,
        originalName: safeDisplayName(file.originalName),
        mediaType: info.mediaType,
        sizeBytes: info.sizeBytes,
        sha256: info.sha256,
        storageName,
        previewStorageName: null,
        previewMediaType: null,
        previewStatus: IMAGE_EVIDENCE_TYPES.includes(info.mediaType) ? 'pending' : 'none',
        width: info.width ?? null,
        height: info.height ?? null,
        paths: written.slice(first),
      });
    }
    await syncDir(dir);
  } catch (e) {
    await removeStoredFiles(written);
    throw e;
  }
  return rows;
}

/**
 * Seals `plaintext` with `dataKey` into a new generated file under `<dataDir>/evidence` and
 * returns its storage name (`<32 hex>.bin`), on disk under that name when it resolves (see the
 * module comment). Its path is pushed to `written` before it is renamed into place, so that a
 * caller can remove it again; a file that fails before that is removed here.
 */
export async function writeSealedEvidence(dataDir: string, dataKey: Buffer, plaintext: Uint8Array, written: string[]): Promise<string> {
  const dir = evidenceDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const storageName = await writeSealed(dir, dataKey, plaintext, written);
  await syncDir(dir);
  return storageName;
}

/** `<dataDir>/evidence`, where sealed evidence files live. */
export function evidenceDir(dataDir: string): string {
  return path.join(dataDir, 'evidence');
}

/**
 * Deletes the given files (absolute paths from `StoredEvidence.paths`); missing files are fine.
 * Never throws: a file that cannot be deleted is skipped (its name is random and unreferenced).
 */
export async function removeStoredFiles(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((p) => rm(p, { force: true }).catch(() => undefined)));
}

/**
 * Reads and opens one stored file (original or preview) by its generated `storageName`
 * (`<32 hex>.bin`; anything else throws Error, so no path from outside is ever followed). Throws
 * EnvelopeError when the key is wrong or the file was altered, and the fs error when it is missing.
 */
export async function readStoredEvidence(dataDir: string, dataKey: Buffer, storageName: string): Promise<Buffer> {
  if (!isStorageName(storageName)) throw new Error('invalid evidence storage name');
  return openBytes(dataKey, await readFile(path.join(evidenceDir(dataDir), storageName)));
}
