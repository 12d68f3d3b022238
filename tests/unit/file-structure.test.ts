/**
 * Structural checks of evidence files on receipt (src/features/tips/file-structure.ts), on
 * hand-built files: whole ones pass, cut-short ones are `truncated`, broken parts `malformed`.
 */
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fileStructure, isoBmffStructure, jpegStructure, pdfStructure, pngStructure, webpStructure } from '../../src/features/tips/file-structure.ts';

const b = (...parts: (number[] | string | Uint8Array)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const u16 = (n: number) => [n >> 8, n & 0xff];
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const u32le = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

/** SOI, APP0 (with an embedded FF D9 inside, as EXIF thumbnails have), SOS, entropy data, EOI. */
function jpeg(entropy: number[] = [0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56]): Buffer {
  const app0 = b('JFIF\0', [1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);
  const sos = [1, 1, 0, 0, 63, 0];
  return b([0xff, 0xd8], [0xff, 0xe0], u16(app0.length + 2), app0, [0xff, 0xda], u16(sos.length + 2), sos, entropy, [0xff, 0xd9]);
}

function chunk(type: string, data: Uint8Array = new Uint8Array(0)): Buffer {
  const body = b(type, data);
  return b(u32(data.length), body, u32(crc32(body)));
}

function png(): Buffer {
  return b([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], chunk('IHDR', new Uint8Array(13)), chunk('IDAT', new Uint8Array([1, 2, 3])), chunk('IEND'));
}

function webp(): Buffer {
  const vp8 = b('VP8 ', u32le(5), [1, 2, 3, 4, 5, 0]);
  return b('RIFF', u32le(4 + vp8.length), 'WEBP', vp8);
}

function mp4(): Buffer {
  const ftyp = b(u32(16), 'ftyp', 'isom', u32(0));
  const mdat = b(u32(12), 'mdat', [1, 2, 3, 4]);
  return b(ftyp, mdat);
}

describe('jpegStructure', () => {
  it('accepts a whole JPEG, with or without a trailer after EOI', () => {
    expect(jpegStructure(jpeg())).toBe('ok');
    expect(jpegStructure(b(jpeg(), 'SEFT trailer from a phone'))).toBe('ok');
  });
  it('finds a JPEG cut short in its data or in its headers', () => {
    const whole = jpeg();
    expect(jpegStructure(whole.subarray(0, whole.length - 2))).toBe('truncated');
    expect(jpegStructure(whole.subarray(0, 10))).toBe('truncated');
    // an FF D9 inside APP0 (an EXIF thumbnail) is not the end of the image
    expect(jpegStructure(whole.subarray(0, 24))).toBe('truncated');
  });
  it('refuses broken marker structure', () => {
    expect(jpegStructure(b([0xff, 0xd8, 0x00, 0x00]))).toBe('malformed');
    expect(jpegStructure(b([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01]))).toBe('malformed');
    expect(jpegStructure(b([0xff, 0xd8, 0xff, 0xd9]))).toBe('malformed');
    expect(jpegStructure(b('not a jpeg'))).toBe('malformed');
  });
});

describe('pngStructure', () => {
  it('accepts a whole PNG and finds cuts and bad CRCs', () => {
    const whole = png();
    expect(pngStructure(whole)).toBe('ok');
    expect(pngStructure(whole.subarray(0, whole.length - 1))).toBe('truncated');
    expect(pngStructure(whole.subarray(0, 30))).toBe('truncated');
    const bad = Buffer.from(whole);
    bad[8 + 25 + 9] = (bad[8 + 25 + 9] ?? 0) ^ 0xff; // a byte of the IDAT data
    expect(pngStructure(bad)).toBe('malformed');
  });
  it('wants IHDR first', () => {
    expect(pngStructure(b([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], chunk('IDAT', new Uint8Array(3)), chunk('IEND')))).toBe('malformed');
  });
});

describe('webpStructure', () => {
  it('accepts a whole WebP and finds a cut one', () => {
    const whole = webp();
    expect(webpStructure(whole)).toBe('ok');
    expect(webpStructure(whole.subarray(0, whole.length - 3))).toBe('truncated');
  });
  it('refuses a chunk larger than the RIFF', () => {
    expect(webpStructure(b('RIFF', u32le(4 + 8 + 2), 'WEBP', 'VP8 ', u32le(100), [1, 2]))).toBe('malformed');
  });
});

describe('isoBmffStructure (HEIC, MP4)', () => {
  it('accepts whole files, a last box running to the end, and finds a cut one', () => {
    expect(isoBmffStructure(mp4())).toBe('ok');
    expect(isoBmffStructure(b(u32(16), 'ftyp', 'heic', u32(0), u32(0), 'mdat', [9, 9, 9]))).toBe('ok');
    expect(isoBmffStructure(mp4().subarray(0, 25))).toBe('truncated');
  });
  it('refuses a box size below its header', () => {
    expect(isoBmffStructure(b(u32(16), 'ftyp', 'isom', u32(0), u32(4), 'mdat'))).toBe('malformed');
  });
});

describe('pdfStructure and fileStructure', () => {
  it('wants %%EOF at the end of a PDF', () => {
    expect(pdfStructure(b('%PDF-1.7\n...\n%%EOF\n'))).toBe('ok');
    expect(pdfStructure(b('%PDF-1.7\n1 0 obj'))).toBe('truncated');
  });
  it('dispatches on the media type decided from the bytes', () => {
    expect(fileStructure(jpeg(), 'image/jpeg')).toBe('ok');
    expect(fileStructure(png().subarray(0, 20), 'image/png')).toBe('truncated');
    expect(fileStructure(mp4(), 'video/mp4')).toBe('ok');
    expect(fileStructure(b('anything'), 'application/octet-stream')).toBe('ok');
  });
});
