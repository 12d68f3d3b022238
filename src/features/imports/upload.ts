/**
 * What an uploaded official table is, decided from its bytes (never from its name or the browser's
 * type): an XLSX workbook (a ZIP holding `xl/workbook.xml`), CSV text (UTF-8, or GB18030 as Excel
 * on a Chinese Windows saves it), or something refused with a Chinese message — an old binary .xls
 * (OLE compound file), another ZIP, a PDF or image, any binary. Pure: no I/O (zlib in memory).
 *
 * Limits (`UPLOAD_LIMITS`): the file's size, and for XLSX the total unpacked size announced by the
 * ZIP's central directory, checked before anything is unpacked (a small ZIP can unpack to
 * gigabytes), then the real size, unpacked with an output limit (the directory can lie). The row count is checked after reading (`MAX_TABLE_ROWS` in ./official.ts).
 */

import { inflateRawSync } from 'node:zlib';

/** Limits of an uploaded table. */
export const UPLOAD_LIMITS = {
  /** bytes of the uploaded file */
  maxBytes: 5 * 1024 * 1024,
  /** bytes of all the files inside an XLSX once unpacked */
  maxUnpackedBytes: 60 * 1024 * 1024,
} as const;

/** The kind of an uploaded file, or why it is refused (`message`, Chinese, for the file field). */
export type SniffedUpload = { kind: 'xlsx' } | { kind: 'csv'; text: string } | { kind: 'refused'; message: string };

const MB = 1024 * 1024;

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return signature.every((b, i) => bytes[i] === b);
}

/** An entry of a ZIP's central directory: name, declared unpacked size, method, where its data is. */
export interface ZipEntry {
  name: string;
  /** unpacked size as declared (bytes): a forged ZIP can declare anything */
  size: number;
  /** 0 stored, 8 deflate */
  method: number;
  compressedSize: number;
  /** offset of the entry's local file header */
  localHeader: number;
}

/**
 * The real unpacked size of all `entries` (bytes), found by inflating each one with an output
 * limit, so that a ZIP whose directory understates its sizes cannot unpack to gigabytes later:
 * null as soon as the total would pass `limit`, or when an entry cannot be read (a method other
 * than stored/deflate, data out of bounds, corrupt deflate data). At most `limit` bytes are held.
 */
export function realUnpackedSize(bytes: Uint8Array, entries: readonly ZipEntry[], limit: number): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let total = 0;
  for (const e of entries) {
    const at = e.localHeader;
    if (at + 30 > bytes.length || view.getUint32(at, true) !== 0x04034b50) return null;
    const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    const data = bytes.subarray(start, start + e.compressedSize);
    if (start + e.compressedSize > bytes.length) return null;
    let size: number;
    if (e.method === 0) size = data.length;
    else if (e.method === 8) {
      try {
        size = inflateRawSync(data, { maxOutputLength: Math.max(1, limit - total + 1) }).length;
      } catch {
        return null;
      }
    } else return null;
    total += size;
    if (total > limit) return null;
  }
  return total;
}

/**
 * The entries of a ZIP's central directory (names and unpacked sizes), or null when `bytes` is not
 * a readable ZIP (no end-of-central-directory record, sizes out of bounds, ZIP64).
 */
export function zipEntries(bytes: Uint8Array): ZipEntry[] | null {
  if (bytes.length < 22) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // the end record is in the last 22 + 65535 (comment) bytes
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) return null;
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  if (count === 0xffff || at === 0xffffffff) return null;
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder('utf-8');
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) return null;
    const method = view.getUint16(at + 10, true);
    const compressedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const localHeader = view.getUint32(at + 42, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength > bytes.length || size === 0xffffffff) return null;
    entries.push({ name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)), size, method, compressedSize, localHeader });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Text of a CSV file: UTF-8 (BOM or not), else GB18030; null when it is neither (binary). */
export function decodeCsvText(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Excel on a Chinese Windows saves "CSV" as GB18030 (GBK)
  }
  try {
    return new TextDecoder('gb18030', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Decides what an upload is from its bytes (see the module comment). */
export function sniffUpload(bytes: Uint8Array): SniffedUpload {
  if (bytes.length === 0) return { kind: 'refused', message: '文件是空的，请选择要导入的 CSV 或 XLSX 文件' };
  if (bytes.length > UPLOAD_LIMITS.maxBytes) return { kind: 'refused', message: `文件超过 ${UPLOAD_LIMITS.maxBytes / MB} MB，请分成几个文件导入` };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    const entries = zipEntries(bytes);
    if (!entries || !entries.some((e) => e.name === 'xl/workbook.xml')) return { kind: 'refused', message: '这个压缩文件不是 Excel 工作簿（.xlsx），无法导入' };
    const tooBig: SniffedUpload = { kind: 'refused', message: `工作簿解压后超过 ${UPLOAD_LIMITS.maxUnpackedBytes / MB} MB（或无法解压），请分成几个文件导入` };
    const unpacked = entries.reduce((sum, e) => sum + e.size, 0);
    if (unpacked > UPLOAD_LIMITS.maxUnpackedBytes) return tooBig;
    // the directory's sizes can lie: unpack with a limit before the workbook reader does
    if (realUnpackedSize(bytes, entries, UPLOAD_LIMITS.maxUnpackedBytes) === null) return tooBig;
    return { kind: 'xlsx' };
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return { kind: 'refused', message: '这是旧版 Excel 文件（.xls），请在 Excel 中另存为 .xlsx 或 CSV（UTF-8）后再导入' };
  }
  const text = decodeCsvText(bytes);
  if (text === null) return { kind: 'refused', message: '无法识别的文件：请上传公布格式的 CSV 或 XLSX 文件' };
  return { kind: 'csv', text };
}
