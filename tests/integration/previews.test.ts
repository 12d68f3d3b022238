/**
 * The preview queue (src/features/tips/previews.server.ts) on a real SQLite file and real sealed
 * files: previews are made after the tip is stored, upright and without metadata; an image whose
 * pixels cannot be decoded ends `failed` with its original kept; two queues make each preview
 * once; files left `working` by a stopped process are queued again. Images are generated here;
 * the GPS fix is made up.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { crc32 } from 'node:zlib';
import path from 'node:path';
import sharp from 'sharp';
import { asc, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { tipEvidence, tips } from '../../src/db/schema.ts';
import { loadKek, open } from '../../src/features/tips/envelope.server.ts';
import { evidenceDir, readStoredEvidence } from '../../src/features/tips/evidence.server.ts';
import { createPreviewQueue, resetInterruptedPreviews, runPendingPreviews } from '../../src/features/tips/previews.server.ts';
import { tipFormSchema } from '../../src/features/tips/tip.ts';
import { submitTip } from '../../src/features/tips/tips.server.ts';
import { TODAY, freshDb } from './helpers.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fangxin-previews-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const kek = loadKek(undefined, dir);
const schema = tipFormSchema({ today: () => TODAY });
let tokens = 0;
const form = () =>
  schema.parse({ submissionToken: `preview-token-${String(tokens++).padStart(10, '0')}`, subjectName: '无名豆腐作坊', category: 'hygiene', description: '豆腐放在地上，苍蝇很多，没有冷藏。', reporterMode: 'anonymous' });
const filesOnDisk = () => (existsSync(evidenceDir(dir)) ? readdirSync(evidenceDir(dir)) : []);

/** A 300×200 JPEG with EXIF orientation 6 (upright 200×300), a camera make and a GPS fix. */
async function phoneJpeg(): Promise<Buffer> {
  const raw = Buffer.alloc(300 * 200 * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919) % 251;
  return sharp(raw, { raw: { width: 300, height: 200, channels: 3 } })
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

/**
 * A PNG whose structure is whole (every chunk inside the file, correct CRC-32s, IEND) but whose
 * image data is not zlib data: it passes the check on receipt and the decoder then fails on it.
 */
async function damagedPng(): Promise<Buffer> {
  const good = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#848' } }).png().toBuffer();
  const idat = good.indexOf(Buffer.from('IDAT')) - 4;
  const length = good.readUInt32BE(idat);
  const body = Buffer.concat([Buffer.from('IDAT'), Buffer.alloc(length, 0x5a)]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([good.subarray(0, idat + 4), body, crc, good.subarray(idat + 12 + length)]);
}

describe('the preview queue', () => {
  it('makes upright previews without EXIF or GPS after the tip is stored; the original stays byte for byte', async () => {
    const db = freshDb();
    const photo = await phoneJpeg();
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const r = await submitTip(db, kek, form(), new Date(), { dataDir: dir, files: [{ bytes: photo, originalName: 'IMG_0001.JPG' }, { bytes: pdf, originalName: '检验报告.pdf' }] });
    expect(r.kind).toBe('created');
    const before = db.select().from(tipEvidence).orderBy(asc(tipEvidence.position)).all();
    expect(before.map((f) => f.previewStatus)).toEqual(['pending', 'none']);
    expect(filesOnDisk()).toHaveLength(2);

    const queue = createPreviewQueue({ db, kek, dataDir: dir });
    queue.kick();
    queue.kick();
    await queue.idle();
    const [jpeg, report] = db.select().from(tipEvidence).orderBy(asc(tipEvidence.position)).all();
    expect(jpeg).toMatchObject({ previewStatus: 'ready', previewMediaType: 'image/jpeg' });
    expect(report).toMatchObject({ previewStatus: 'none', previewStorageName: null });
    expect(filesOnDisk()).toHaveLength(3);

    const tip = db.select().from(tips).where(eq(tips.id, jpeg?.tipId ?? 0)).get();
    const dataKey = open(kek.key, tip?.wrappedDataKey ?? '');
    const preview = await readStoredEvidence(dir, dataKey, jpeg?.previewStorageName ?? '');
    const meta = await sharp(preview).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([200, 300]);
    expect(preview.includes(Buffer.from('FangxinTestCam'))).toBe(false);
    expect((await readStoredEvidence(dir, dataKey, jpeg?.storageName ?? '')).equals(photo)).toBe(true);
  });

  it('marks an image whose pixels cannot be decoded `failed` and keeps its original', async () => {
    const db = freshDb();
    const damaged = await damagedPng();
    await submitTip(db, kek, form(), new Date(), { dataDir: dir, files: [{ bytes: damaged, originalName: 'broken.png' }] });
    expect(db.select().from(tipEvidence).get()?.previewStatus).toBe('pending');
    expect(await runPendingPreviews({ db, kek, dataDir: dir })).toBe(1);
    const row = db.select().from(tipEvidence).get();
    expect(row).toMatchObject({ previewStatus: 'failed', previewStorageName: null });
    const dataKey = open(kek.key, db.select().from(tips).get()?.wrappedDataKey ?? '');
    expect((await readStoredEvidence(dir, dataKey, row?.storageName ?? '')).equals(damaged)).toBe(true);
  });

  it('makes each preview once with two queues at work, and queues again what a stopped process left working', async () => {
    const db = freshDb();
    const photos = await Promise.all(['#a00', '#0a0', '#00a', '#aa0'].map((c) => sharp({ create: { width: 50, height: 40, channels: 3, background: c } }).png().toBuffer()));
    await submitTip(db, kek, form(), new Date(), { dataDir: dir, files: photos.map((bytes, i) => ({ bytes, originalName: `p${i}.png` })) });
    const [a, b] = await Promise.all([runPendingPreviews({ db, kek, dataDir: dir }), runPendingPreviews({ db, kek, dataDir: dir })]);
    expect(a + b).toBe(4);
    const rows = db.select().from(tipEvidence).all();
    expect(rows.every((r) => r.previewStatus === 'ready')).toBe(true);
    expect(new Set(rows.map((r) => r.previewStorageName)).size).toBe(4);

    // a process stopped in the middle of a file: it is found `working` at the next start
    db.update(tipEvidence).set({ previewStatus: 'working', previewStorageName: null }).where(eq(tipEvidence.id, rows[0]?.id ?? 0)).run();
    expect(await runPendingPreviews({ db, kek, dataDir: dir })).toBe(0);
    expect(resetInterruptedPreviews(db)).toBe(1);
    expect(await runPendingPreviews({ db, kek, dataDir: dir })).toBe(1);
    expect(db.select().from(tipEvidence).where(eq(tipEvidence.id, rows[0]?.id ?? 0)).get()?.previewStatus).toBe('ready');
  });
});
