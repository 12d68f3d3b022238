/**
 * Storing a tip's evidence files on disk (DESIGN.md "Tip-offs" → Evidence): type from the bytes,
 * SVG/polyglot/bomb/cut-short refusal, sealed originals kept byte for byte, metadata-free upright
 * previews (made by the queue: tests/integration/previews.test.ts), nothing left behind on failure. Every image is generated here with sharp; the GPS position is
 * made up.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvelopeError } from '../../src/features/tips/envelope.server.ts';
import { EVIDENCE_LIMITS, EvidenceError, type EvidenceErrorCode } from '../../src/features/tips/evidence.ts';
import {
  evidenceDir,
  inspectEvidence,
  makePreview,
  readStoredEvidence,
  removeStoredFiles,
  storeEvidence,
  type EvidenceUpload,
} from '../../src/features/tips/evidence.server.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'fangxin-it-evidence-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let dirs = 0;
function newDataDir(): string {
  return path.join(tmp, `d${dirs++}`);
}

function filesIn(dataDir: string): string[] {
  const dir = evidenceDir(dataDir);
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** A 300×200 RGB image with some texture (so JPEG data is not trivial). */
function texture(width = 300, height = 200): Sharp {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919) % 251;
  return sharp(raw, { raw: { width, height, channels: 3 } });
}

/** A JPEG 300 px wide, 200 px high as stored, EXIF orientation 6 (upright: 200×300) and a GPS fix. */
async function phoneJpeg(): Promise<Buffer> {
  return texture()
    .jpeg()
    .withMetadata({
      orientation: 6,
      exif: {
        IFD0: { Make: 'FangxinTestCam' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '28/1 41/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '115/1 53/1 0/1' },
      },
    })
    .toBuffer();
}

/** A minimal ZIP archive (one stored entry "a.txt", central directory, end record). */
function tinyZip(): Buffer {
  const name = Buffer.from('a.txt');
  const data = Buffer.from('hi');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

async function refusal(work: Promise<unknown>): Promise<EvidenceErrorCode> {
  const e: unknown = await work.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof EvidenceError)) throw new Error(`expected an EvidenceError, got ${String(e)}`);
  return e.code;
}

describe('storeEvidence', () => {
  it('keeps the original byte for byte, leaves the preview to the queue, and the preview is upright without EXIF or GPS', async () => {
    const dataDir = newDataDir();
    const key = randomBytes(32);
    const original = await phoneJpeg();
    const before = await sharp(original).metadata();
    expect(before.orientation).toBe(6);
    expect(before.exif).toBeDefined();

    const [row, ...rest] = await storeEvidence(dataDir, key, [{ bytes: original, originalName: '/private/var/mobile/IMG_0001.JPG' }]);
    expect(rest).toHaveLength(0);
    if (!row) throw new Error('no row');
    expect(row).toMatchObject({
      position: 0,
      originalName: 'IMG_0001.JPG',
      mediaType: 'image/jpeg',
      sizeBytes: original.length,
      sha256: createHash('sha256').update(original).digest('hex'),
      previewStatus: 'pending',
      previewStorageName: null,
      previewMediaType: null,
      width: 200,
      height: 300,
    });
    expect(row.storageName).toMatch(/^[0-9a-f]{32}\.bin$/u);
    expect(row.paths).toHaveLength(1);

    // on disk: sealed, generated names, private modes
    expect(filesIn(dataDir)).toEqual([row.storageName]);
    expect(statSync(evidenceDir(dataDir)).mode & 0o777).toBe(0o700);
    for (const p of row.paths) expect(statSync(p).mode & 0o777).toBe(0o600);

    const stored = await readStoredEvidence(dataDir, key, row.storageName);
    expect(stored.equals(original)).toBe(true);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(row.sha256);

    // what the preview queue makes of it (src/features/tips/previews.server.ts)
    const made = await makePreview(stored, row.mediaType);
    if (made.status !== 'ready' || !made.bytes) throw new Error('no preview');
    const preview = Buffer.from(made.bytes);
    const meta = await sharp(preview).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([200, 300]);
    expect(preview.includes(Buffer.from('FangxinTestCam'))).toBe(false);

    await expect(readStoredEvidence(dataDir, randomBytes(32), row.storageName)).rejects.toBeInstanceOf(EnvelopeError);
    await expect(readStoredEvidence(dataDir, key, '../evidence.bin')).rejects.toThrow(/storage name/u);

    await removeStoredFiles(row.paths);
    expect(filesIn(dataDir)).toEqual([]);
  });

  it('accepts PNG, WebP and PDF (previews pending for the images, none for the PDF), decided from the bytes', async () => {
    const dataDir = newDataDir();
    const png = await texture(2400, 1200).png().toBuffer();
    const webp = await texture().webp().toBuffer();
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const rows = await storeEvidence(dataDir, randomBytes(32), [
      { bytes: png, originalName: 'scan.jpg' },
      { bytes: webp, originalName: 'chat' },
      { bytes: pdf, originalName: '检验报告.pdf' },
    ]);
    expect(rows.map((r) => [r.mediaType, r.previewStatus])).toEqual([
      ['image/png', 'pending'],
      ['image/webp', 'pending'],
      ['application/pdf', 'none'],
    ]);
    expect(filesIn(dataDir)).toHaveLength(3);
    const preview = await makePreview(png, 'image/png');
    expect([preview.width, preview.height]).toEqual([EVIDENCE_LIMITS.previewMaxSide, EVIDENCE_LIMITS.previewMaxSide / 2]);
  });

  it('refuses SVG, text renamed .jpg, an empty file and a JPEG with an appended ZIP', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    expect(await refusal(inspectEvidence(svg, 'photo.jpg'))).toBe('svg');
    expect(await refusal(inspectEvidence(Buffer.from('<?xml version="1.0"?>\n<svg/>'), 'a.png'))).toBe('svg');
    expect(await refusal(inspectEvidence(Buffer.from('这不是图片，只是一段文字。\n'), '现场.jpg'))).toBe('type');
    expect(await refusal(inspectEvidence(new Uint8Array(0), 'empty.jpg'))).toBe('empty');
    const avif = await texture().avif().toBuffer();
    expect(await refusal(inspectEvidence(avif, 'a.heic'))).toBe('type');
    const polyglot = Buffer.concat([await phoneJpeg(), tinyZip()]);
    expect(await refusal(inspectEvidence(polyglot, 'polyglot.jpg'))).toBe('polyglot');

    const dataDir = newDataDir();
    const e: unknown = await storeEvidence(dataDir, randomBytes(32), [{ bytes: svg, originalName: 'x/evil.svg' }]).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(EvidenceError);
    expect((e as EvidenceError).message).toContain('“evil.svg”');
    expect(filesIn(dataDir)).toEqual([]);
  });

  it('refuses an oversized file', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024 + 1);
    big.set(await phoneJpeg());
    expect(await refusal(inspectEvidence(big, 'big.jpg'))).toBe('tooLarge');
  });

  it('refuses 11 files before writing anything', async () => {
    const dataDir = newDataDir();
    const jpeg = await phoneJpeg();
    const files: EvidenceUpload[] = Array.from({ length: 11 }, (_, i) => ({ bytes: jpeg, originalName: `p${i}.jpg` }));
    expect(await refusal(storeEvidence(dataDir, randomBytes(32), files))).toBe('tooMany');
    expect(filesIn(dataDir)).toEqual([]);
  });

  it('refuses a decompression bomb (48,000,000 pixels of one colour) before decoding it', async () => {
    const bomb = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#ffffff' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const dataDir = newDataDir();
    const files = [
      { bytes: await phoneJpeg(), originalName: 'ok.jpg' },
      { bytes: bomb, originalName: 'bomb.png' },
    ];
    expect(await refusal(storeEvidence(dataDir, randomBytes(32), files))).toBe('pixels');
    expect(filesIn(dataDir)).toEqual([]);
    // the preview step refuses it by itself as well (sharp's limitInputPixels)
    expect(await refusal(makePreview(bomb, 'image/png'))).toBe('pixels');
  });

  it('leaves nothing on disk when a later file turns out corrupt (cut short: refused from its structure)', async () => {
    const png = await texture(600, 400).png().toBuffer();
    const truncated = png.subarray(0, Math.floor(png.length / 2));
    expect(await refusal(inspectEvidence(truncated, 'b.png'))).toBe('corrupt');
    const jpeg = await phoneJpeg();
    expect(await refusal(inspectEvidence(jpeg.subarray(0, jpeg.length - 100), 'c.jpg'))).toBe('corrupt');
    const dataDir = newDataDir();
    const files = [
      { bytes: await phoneJpeg(), originalName: 'a.jpg' },
      { bytes: truncated, originalName: 'b.png' },
    ];
    expect(await refusal(storeEvidence(dataDir, randomBytes(32), files))).toBe('corrupt');
    expect(filesIn(dataDir)).toEqual([]);
  });
});

describe('makePreview', () => {
  it('gives HEIC it cannot decode "unsupported", and video/PDF "none"', async () => {
    const notReallyHeic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), randomBytes(64)]);
    await expect(makePreview(notReallyHeic, 'image/heic')).resolves.toEqual({ status: 'unsupported' });
    await expect(makePreview(Buffer.from('x'), 'video/mp4')).resolves.toEqual({ status: 'none' });
    await expect(makePreview(Buffer.from('x'), 'application/pdf')).resolves.toEqual({ status: 'none' });
  });
});
