/**
 * A tip and its evidence are stored together or not at all: a bad file, or a database failure
 * after the files were written, leaves no tip, no evidence row and no file.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { count } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { tipEvidence, tips } from '../../src/db/schema.ts';
import { loadKek, decryptForTip } from '../../src/features/tips/envelope.server.ts';
import { EvidenceError } from '../../src/features/tips/evidence.ts';
import { evidenceDir, readStoredEvidence } from '../../src/features/tips/evidence.server.ts';
import { open } from '../../src/features/tips/envelope.server.ts';
import { tipFormSchema } from '../../src/features/tips/tip.ts';
import { submitTip } from '../../src/features/tips/tips.server.ts';
import { runPendingPreviews } from '../../src/features/tips/previews.server.ts';
import { TODAY, freshDb } from './helpers.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fangxin-tip-evidence-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const kek = loadKek(undefined, dir);
const schema = tipFormSchema({ today: () => TODAY });
const form = (token: string) =>
  schema.parse({ submissionToken: token, subjectName: '无名腊肉作坊', category: 'hygiene', description: '作坊地面有积水，工人不戴口罩。', reporterMode: 'anonymous' });
const filesOnDisk = () => (existsSync(evidenceDir(dir)) ? readdirSync(evidenceDir(dir)) : []);

describe('a tip with evidence', () => {
  it('is stored with its files, sealed under the tip key', async () => {
    const db = freshDb();
    const png = new Uint8Array(await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3a3' } }).png().toBuffer());
    const result = await submitTip(db, kek, form('evidence-token-000000001'), new Date(), { dataDir: dir, files: [{ bytes: png, originalName: '照片.png' }] });
    expect(result.kind).toBe('created');
    const tip = db.select().from(tips).get();
    const rows = db.select().from(tipEvidence).all();
    expect(rows).toHaveLength(1);
    // the receipt does not wait for the preview: the queue makes it afterwards
    expect(rows[0]).toMatchObject({ tipId: tip?.id, mediaType: 'image/png', originalName: '照片.png', previewStatus: 'pending', previewStorageName: null });
    const dataKey = open(kek.key, tip?.wrappedDataKey ?? '');
    expect(Buffer.from(await readStoredEvidence(dir, dataKey, rows[0]?.storageName ?? '')).equals(Buffer.from(png))).toBe(true);
    expect(await runPendingPreviews({ db, kek, dataDir: dir })).toBe(1);
    const done = db.select().from(tipEvidence).get();
    expect(done).toMatchObject({ previewStatus: 'ready', previewMediaType: 'image/jpeg' });
    expect((await sharp(await readStoredEvidence(dir, dataKey, done?.previewStorageName ?? '')).metadata()).format).toBe('jpeg');
    // an anonymous tip has a data key for its evidence but no identity
    expect(tip?.reporterCiphertext).toBeNull();
    expect(() => decryptForTip(kek, { ciphertext: '', wrappedDataKey: tip?.wrappedDataKey ?? '' })).toThrow();
    rmSync(evidenceDir(dir), { recursive: true, force: true });
  });

  it('with a corrupt second file leaves no tip and no file', async () => {
    const db = freshDb();
    const good = new Uint8Array(await sharp({ create: { width: 40, height: 30, channels: 3, background: '#33a' } }).jpeg().toBuffer());
    const corrupt = good.slice(0, 200);
    await expect(
      submitTip(db, kek, form('evidence-token-000000002'), new Date(), {
        dataDir: dir,
        files: [
          { bytes: good, originalName: 'a.jpg' },
          { bytes: corrupt, originalName: 'b.jpg' },
        ],
      }),
    ).rejects.toThrow(EvidenceError);
    expect(db.select({ n: count() }).from(tips).get()?.n).toBe(0);
    expect(filesOnDisk()).toEqual([]);
  });

  it('whose transaction fails after the files were written leaves no file', async () => {
    const db = freshDb();
    db.$client.exec('DROP TABLE tip_evidence');
    const png = new Uint8Array(await sharp({ create: { width: 40, height: 30, channels: 3, background: '#a33' } }).png().toBuffer());
    await expect(submitTip(db, kek, form('evidence-token-000000003'), new Date(), { dataDir: dir, files: [{ bytes: png, originalName: 'c.png' }] })).rejects.toThrow();
    expect(db.select({ n: count() }).from(tips).get()?.n).toBe(0);
    expect(filesOnDisk()).toEqual([]);
  });
});
