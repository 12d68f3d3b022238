/**
 * Rules for the evidence files attached to a tip (DESIGN.md "Tip-offs" → Evidence), pure and shared
 * by the server and the form: the limits, the accepted media types, the errors shown to the
 * reporter, the display name kept as text, and the byte heuristics against SVG and polyglots. The
 * type of a file is always decided from its bytes (./evidence.server.ts), never from its name or
 * the browser's Content-Type header.
 */

/**
 * Limits per tip: `maxFiles` files, each at most `maxBytes` bytes (20 MiB) and, for images, at most
 * `maxPixels` pixels (width × height) against decompression bombs. Previews are at most
 * `previewMaxSide` pixels on the long side; decoding one gives up after `previewTimeoutMs`
 * milliseconds. Display names are cut to `maxNameChars` characters (code points).
 */
export const EVIDENCE_LIMITS = {
  maxFiles: 10,
  maxBytes: 20 * 1024 * 1024,
  maxPixels: 40_000_000,
  previewMaxSide: 1600,
  previewTimeoutMs: 10_000,
  maxNameChars: 120,
} as const;

/** The media types accepted as evidence (as the bytes say, per the `file-type` package). */
export const ACCEPTED_EVIDENCE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif', 'video/mp4', 'application/pdf'] as const;

/** One of `ACCEPTED_EVIDENCE_TYPES`. */
export type EvidenceMediaType = (typeof ACCEPTED_EVIDENCE_TYPES)[number];

/** The accepted types that are still images (a preview is re-encoded from them). */
export const IMAGE_EVIDENCE_TYPES: readonly EvidenceMediaType[] = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif'];

/** True when `mediaType` (e.g. `image/png`) is one of `ACCEPTED_EVIDENCE_TYPES`. */
export function isAcceptedEvidenceType(mediaType: string): mediaType is EvidenceMediaType {
  return (ACCEPTED_EVIDENCE_TYPES as readonly string[]).includes(mediaType);
}

/**
 * Why a file (or a set of files) was refused: `tooMany` (more than `maxFiles`), `tooLarge` (over
 * `maxBytes`), `type` (not an accepted type by its bytes), `svg` (SVG or other XML), `polyglot`
 * (an image that is also something else, see `findPolyglotMarker`), `pixels` (over `maxPixels`),
 * `empty` (0 bytes), `corrupt` (an image that cannot be decoded, or whose decoding timed out).
 */
export type EvidenceErrorCode = 'tooMany' | 'tooLarge' | 'type' | 'svg' | 'polyglot' | 'pixels' | 'empty' | 'corrupt';

/**
 * A refused evidence file, with a `code` for programs and a Chinese `message` for the reporter
 * naming the file by its display name (`safeDisplayName`, shown as text only). `fileName` is that
 * display name ('' for `tooMany`).
 */
export class EvidenceError extends Error {
  readonly code: EvidenceErrorCode;
  readonly fileName: string;

  /** `originalName` is the name the reporter's device gave the file; it is cleaned before use. */
  constructor(code: EvidenceErrorCode, originalName = '') {
    const name = originalName === '' ? '' : safeDisplayName(originalName);
    super(evidenceErrorMessage(code, name));
    this.name = 'EvidenceError';
    this.code = code;
    this.fileName = name;
  }
}

/** The Chinese message for `code` about the file shown as `displayName` (already cleaned). */
export function evidenceErrorMessage(code: EvidenceErrorCode, displayName: string): string {
  const file = `文件“${displayName}”`;
  switch (code) {
    case 'tooMany':
      return `最多只能上传 ${EVIDENCE_LIMITS.maxFiles} 个证据文件，请删减后再提交。`;
    case 'tooLarge':
      return `${file}超过 ${EVIDENCE_LIMITS.maxBytes / 1024 / 1024} MB 的大小上限，请压缩或截取后再上传。`;
    case 'type':
      return `${file}不是可接受的格式。请上传 JPEG、PNG、WebP、HEIC 图片，MP4 视频或 PDF 文件。`;
    case 'svg':
      return `${file}是 SVG/XML 文件，出于安全原因不予接收，请改为截图（JPEG 或 PNG）后上传。`;
    case 'polyglot':
      return `${file}内部混有其他类型的内容（如网页、压缩包或 PDF），出于安全原因不予接收，请重新导出图片后上传。`;
    case 'pixels':
      return `${file}的像素尺寸过大（上限 ${EVIDENCE_LIMITS.maxPixels / 1_000_000} 百万像素），请缩小后再上传。`;
    case 'empty':
      return `${file}是空文件，请重新选择。`;
    case 'corrupt':
      return `${file}已损坏或无法读取，请重新导出后上传。`;
  }
}

/** True when more files than `EVIDENCE_LIMITS.maxFiles` were sent. */
export function tooManyEvidenceFiles(count: number): boolean {
  return count > EVIDENCE_LIMITS.maxFiles;
}

/**
 * The name to keep and show for an uploaded file: the last path segment (after `/` or `\`), NFC,
 * without control or invisible format characters (C0/C1 controls, DEL, bidi overrides, zero-width
 * characters: Unicode Cc and Cf), whitespace collapsed, at most `maxNameChars` code points;
 * '未命名文件' when nothing is left. Never used as a path.
 */
export function safeDisplayName(name: string): string {
  const base = name.normalize('NFC').split(/[/\\]/u).pop() ?? '';
  const clean = base
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
  const cut = Array.from(clean).slice(0, EVIDENCE_LIMITS.maxNameChars).join('').trim();
  return cut === '' ? '未命名文件' : cut;
}

function latin1(bytes: Uint8Array): string {
  // windows-1252 maps every byte to exactly one UTF-16 unit, so offsets are preserved
  return new TextDecoder('windows-1252').decode(bytes);
}

/**
 * True when the bytes are SVG or XML text: after an optional UTF-8 BOM and whitespace they start
 * with `<svg` or `<?xml` (case-insensitive), or an SVG element appears in the first KB after a
 * comment or doctype (`<!--`, `<!DOCTYPE svg`). Such files are refused whatever else they contain.
 */
export function looksLikeSvgOrXml(bytes: Uint8Array): boolean {
  const head = latin1(bytes.subarray(0, 1024))
    .replace(/^\u00ef\u00bb\u00bf/u, '')
    .trimStart()
    .toLowerCase();
  if (head.startsWith('<svg') || head.startsWith('<?xml')) return true;
  return (head.startsWith('<!--') || head.startsWith('<!doctype')) && /<svg[\s>]/u.test(head);
}

/**
 * The polyglot heuristic for images: returns what was found, or null. An image (JPEG, PNG, WebP,
 * HEIC) is refused when, anywhere in its bytes (the first KB included: PDF readers look for
 * `%PDF` in the first 1024 bytes, so that is where JPEG/PDF polyglots put it), there is
 * - `<script` or `<html` followed by whitespace or `>` (case-insensitive): HTML that a browser
 *   sniffing the content would run;
 * - `%PDF-` followed by a version (`1.7`): a PDF header;
 * - a ZIP local file header `PK\x03\x04` AND a ZIP end-of-central-directory record `PK\x05\x06` in
 *   the last 65,557 bytes (22 + the longest comment): an appended archive that unzip tools open.
 * The markers are long (or paired) so that compressed pixel data trips them by chance at most
 * about once in 10^10 files of 20 MB. Not applied to PDF and MP4, which are never shown inline.
 */
export function findPolyglotMarker(bytes: Uint8Array): 'html' | 'pdf' | 'zip' | null {
  // byte searches (memchr-fast) rather than a 5 MB string: this runs on every photo of every tip
  if (hasHtmlTag(bytes)) return 'html';
  if (hasPdfHeader(bytes)) return 'pdf';
  const tail = bytes.subarray(Math.max(0, bytes.length - 65_557));
  if (indexOfAscii(bytes, 'PK\u0003\u0004', 0) !== -1 && indexOfAscii(tail, 'PK\u0005\u0006', 0) !== -1) return 'zip';
  return null;
}

/** Index of the ASCII text `needle` in `bytes` at or after `from`, or -1 (Buffer's native search). */
function indexOfAscii(bytes: Uint8Array, needle: string, from: number): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(needle, from, 'latin1');
}

/** Whether `word` (lower-case ASCII letters) is at `at`, in any case. */
function isWordAt(bytes: Uint8Array, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    if (((bytes[at + k] ?? 0) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** Tab, LF, VT, FF, CR, space, no-break space (what `\s` matches in a windows-1252 reading), or `>`. */
function endsTagName(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x09 && byte <= 0x0d) || byte === 0x20 || byte === 0xa0 || byte === 0x3e);
}

/** `<script` or `<html` followed by whitespace or `>`, in any case. */
function hasHtmlTag(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(0x3c); i !== -1; i = bytes.indexOf(0x3c, i + 1)) {
    if (isWordAt(bytes, i + 1, 'script') && endsTagName(bytes[i + 7])) return true;
    if (isWordAt(bytes, i + 1, 'html') && endsTagName(bytes[i + 5])) return true;
  }
  return false;
}

/** `%PDF-` followed by a version `d.d`. */
function hasPdfHeader(bytes: Uint8Array): boolean {
  const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;
  for (let i = indexOfAscii(bytes, '%PDF-', 0); i !== -1; i = indexOfAscii(bytes, '%PDF-', i + 1)) {
    if (isDigit(bytes[i + 5]) && bytes[i + 6] === 0x2e && isDigit(bytes[i + 7])) return true;
  }
  return false;
}
