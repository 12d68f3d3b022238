/**
 * Structural integrity of an evidence file, checked on receipt without decoding any pixels: the
 * container of each accepted format is walked from its first byte to its end marker, so a file
 * that was cut short (an interrupted copy, a half-synced photo) or whose chunks are damaged is
 * refused while the reporter is still on the form. Decoding the pixels is left to the preview
 * queue (./previews.server.ts): it costs 30–70 ms of CPU per 5 MB photo, which 20 tips at once
 * cannot afford within the 1.5 s target of issue #4 (tests/bench/tips.ts).
 *
 * What is checked, per format (the format's own specification):
 * - JPEG (ITU-T T.81 Annex B): SOI, then marker segments whose lengths stay inside the file up to
 *   the first SOS, then an EOI marker after it. Entropy-coded data stuffs every 0xFF with 0x00,
 *   so FF D9 there is the real EOI. Bytes after EOI (phone makers' trailers) are allowed.
 * - PNG (ISO/IEC 15948 §5): the signature, IHDR first, every chunk inside the file with a correct
 *   CRC-32, up to IEND.
 * - WebP (RFC 9649 §2): the RIFF size fits in the file and the chunks fit in the RIFF size.
 * - HEIC/HEIF, MP4 (ISO/IEC 14496-12 §4.2): top-level boxes from `ftyp`, each inside the file.
 * - PDF (ISO 32000-1 §7.5.5): `%%EOF` within the last 1024 bytes.
 * Pure code; never throws.
 */
import { crc32 } from 'node:zlib';

/** `ok`, `truncated` (the file ends before its structure does), or `malformed` (a broken part). */
export type StructureVerdict = 'ok' | 'truncated' | 'malformed';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

function u32be(bytes: Uint8Array, at: number): number {
  return (((bytes[at] ?? 0) << 24) >>> 0) + ((bytes[at + 1] ?? 0) << 16) + ((bytes[at + 2] ?? 0) << 8) + (bytes[at + 3] ?? 0);
}

function u32le(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) + ((bytes[at + 1] ?? 0) << 8) + ((bytes[at + 2] ?? 0) << 16) + (((bytes[at + 3] ?? 0) << 24) >>> 0);
}

const EOI = new Uint8Array([0xff, 0xd9]);

/** Index of `needle` in `bytes` at or after `from`, or -1 (Buffer's native search). */
function indexOfBytes(bytes: Uint8Array, needle: Uint8Array, from: number): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(needle, from);
}

/** JPEG: SOI, segments up to SOS, EOI after it. */
export function jpegStructure(bytes: Uint8Array): StructureVerdict {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return 'malformed';
  let pos = 2;
  for (;;) {
    if (pos >= bytes.length) return 'truncated';
    if (bytes[pos] !== 0xff) return 'malformed';
    // fill bytes: any number of 0xFF before a marker
    while (pos < bytes.length && bytes[pos] === 0xff) pos++;
    if (pos >= bytes.length) return 'truncated';
    const marker = bytes[pos] ?? 0;
    pos++;
    if (marker === 0x00 || marker === 0xd8 || marker === 0xd9) return 'malformed';
    // standalone markers: TEM and RSTn carry no length
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (pos + 2 > bytes.length) return 'truncated';
    const length = ((bytes[pos] ?? 0) << 8) + (bytes[pos + 1] ?? 0);
    if (length < 2) return 'malformed';
    if (pos + length > bytes.length) return 'truncated';
    pos += length;
    if (marker === 0xda) return indexOfBytes(bytes, EOI, pos) === -1 ? 'truncated' : 'ok';
  }
}

/** PNG: signature, IHDR first, chunk lengths and CRC-32s, IEND. */
export function pngStructure(bytes: Uint8Array): StructureVerdict {
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return 'malformed';
  let pos = 8;
  let first = true;
  for (;;) {
    if (pos + 12 > bytes.length) return 'truncated';
    const length = u32be(bytes, pos);
    const type = ascii(bytes, pos + 4, 4);
    if (!/^[A-Za-z]{4}$/u.test(type) || length > 0x7fffffff) return 'malformed';
    if (first && type !== 'IHDR') return 'malformed';
    first = false;
    const end = pos + 8 + length + 4;
    if (end > bytes.length) return 'truncated';
    const stored = u32be(bytes, pos + 8 + length);
    if (crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== stored) return 'malformed';
    if (type === 'IEND') return 'ok';
    pos = end;
  }
}

/** WebP: RIFF size inside the file, chunks inside the RIFF size. */
export function webpStructure(bytes: Uint8Array): StructureVerdict {
  if (bytes.length < 20 || ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WEBP') return 'malformed';
  const riffEnd = 8 + u32le(bytes, 4);
  if (riffEnd > bytes.length) return 'truncated';
  let pos = 12;
  let chunks = 0;
  while (pos < riffEnd) {
    if (pos + 8 > riffEnd) return 'malformed';
    const size = u32le(bytes, pos + 4);
    const next = pos + 8 + size + (size % 2);
    // the last chunk's padding byte may be missing in files from some encoders
    if (pos + 8 + size > riffEnd) return 'malformed';
    chunks++;
    pos = next;
  }
  return chunks > 0 ? 'ok' : 'malformed';
}

/** ISO base media file (HEIC/HEIF, MP4): top-level boxes from `ftyp` to the end of the file. */
export function isoBmffStructure(bytes: Uint8Array): StructureVerdict {
  if (bytes.length < 16 || ascii(bytes, 4, 4) !== 'ftyp') return 'malformed';
  let pos = 0;
  while (pos < bytes.length) {
    if (pos + 8 > bytes.length) return 'truncated';
    let size = u32be(bytes, pos);
    if (size === 1) {
      if (pos + 16 > bytes.length) return 'truncated';
      const high = u32be(bytes, pos + 8);
      const low = u32be(bytes, pos + 12);
      size = high * 2 ** 32 + low;
      if (size < 16) return 'malformed';
    } else if (size === 0) {
      // the last box runs to the end of the file
      return 'ok';
    } else if (size < 8) {
      return 'malformed';
    }
    if (pos + size > bytes.length) return 'truncated';
    pos += size;
  }
  return 'ok';
}

/** PDF: the end-of-file marker within the last 1024 bytes. */
export function pdfStructure(bytes: Uint8Array): StructureVerdict {
  const tail = ascii(bytes, Math.max(0, bytes.length - 1024), 1024);
  return tail.includes('%%EOF') ? 'ok' : 'truncated';
}

/**
 * The structural verdict for `bytes` of `mediaType` (as decided from the bytes by file-type).
 * Media types without a check here are `ok`.
 */
export function fileStructure(bytes: Uint8Array, mediaType: string): StructureVerdict {
  switch (mediaType) {
    case 'image/jpeg':
      return jpegStructure(bytes);
    case 'image/png':
      return pngStructure(bytes);
    case 'image/webp':
      return webpStructure(bytes);
    case 'image/heic':
    case 'image/heif':
    case 'video/mp4':
      return isoBmffStructure(bytes);
    case 'application/pdf':
      return pdfStructure(bytes);
    default:
      return 'ok';
  }
}
