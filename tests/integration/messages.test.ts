/**
 * Messages from the reporter on a filed tip (issue #4 point 6): sealed under the tip's data key,
 * checked by receipt no. and access code, files attached to the message within the tip's total
 * of 10. All names and texts here are fictitious.
 */
import { mkdtempSync, readdirSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { count, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { tipEvidence, tipMessages, tips } from '../../src/db/schema.ts';
import { loadKek, open } from '../../src/features/tips/envelope.server.ts';
import { evidenceDir, readStoredEvidence } from '../../src/features/tips/evidence.server.ts';
import { addReporterMessage, listMessages } from '../../src/features/tips/messages.server.ts';
import { tipFormSchema } from '../../src/features/tips/tip.ts';
import { submitTip, trackTip } from '../../src/features/tips/tips.server.ts';
import { runPendingPreviews } from '../../src/features/tips/previews.server.ts';
import { TODAY, freshDb } from './helpers.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fangxin-it-messages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const kek = loadKek(undefined, dir);
const schema = tipFormSchema({ today: () => TODAY });
let n = 0;
const form = () =>
  schema.parse({ submissionToken: `message-token-${String(++n).padStart(10, '0')}`, subjectName: '测试无名腊肉作坊', category: 'hygiene', description: '作坊地面有积水，工人不戴口罩。', reporterMode: 'anonymous' });
const png = async (colour: string) => new Uint8Array(await sharp({ create: { width: 32, height: 24, channels: 3, background: colour } }).png().toBuffer());
const filesOnDisk = () => (existsSync(evidenceDir(dir)) ? readdirSync(evidenceDir(dir)).length : 0);

async function fileTip(db: Db, files: { bytes: Uint8Array; originalName: string }[] = []): Promise<{ receiptNo: string; accessCode: string }> {
  const r = await submitTip(db, kek, form(), new Date(), { dataDir: dir, files });
  if (r.kind !== 'created') throw new Error('expected a created tip');
  return r;
}

describe('addReporterMessage', () => {
  it('stores the text sealed under the tip key and shows it decrypted on tracking', async () => {
    const db = freshDb();
    const r = await fileTip(db, [{ bytes: await png('#3a3'), originalName: '现场.png' }]);
    const text = '补充：\u200b每天凌晨四点开工，后门有排污管。';
    const added = await addReporterMessage(db, kek, { ...r, text, files: [], dataDir: dir, now: new Date('2026-11-29T02:00:00Z') });
    expect(added?.kind).toBe('added');
    const row = db.select().from(tipMessages).get();
    expect(row).toMatchObject({ author: 'reporter', at: '2026-11-29T02:00:00.000Z' });
    expect(row?.ciphertext).not.toContain('排污管');
    expect(Buffer.from(row?.ciphertext ?? '', 'base64').toString('utf8')).not.toContain('排污管');
    const view = await trackTip(db, r.receiptNo, r.accessCode, kek);
    expect(view?.messages).toEqual([{ author: 'reporter', text: '补充：每天凌晨四点开工，后门有排污管。', at: '2026-11-29T02:00:00.000Z', files: [] }]);
    expect(view?.evidence).toEqual([{ originalName: '现场.png', mediaType: 'image/png', previewStatus: 'pending' }]);
  });

  it('with a wrong access code returns null and stores nothing', async () => {
    const db = freshDb();
    const r = await fileTip(db);
    const wrong = `${r.accessCode.startsWith('A') ? 'B' : 'A'}${r.accessCode.slice(1)}`;
    const before = filesOnDisk();
    expect(await addReporterMessage(db, kek, { receiptNo: r.receiptNo, accessCode: wrong, text: '补充内容', files: [{ bytes: await png('#a33'), originalName: 'x.png' }], dataDir: dir })).toBeNull();
    expect(await addReporterMessage(db, kek, { receiptNo: '1234567890123456', accessCode: r.accessCode, text: '补充内容', files: [], dataDir: dir })).toBeNull();
    expect(db.select({ n: count() }).from(tipMessages).get()?.n).toBe(0);
    expect(db.select({ n: count() }).from(tipEvidence).get()?.n).toBe(0);
    expect(db.select().from(tips).get()?.wrappedDataKey).toBeNull();
    expect(filesOnDisk()).toBe(before);
  });

  it('refuses an empty or over-long text', async () => {
    const db = freshDb();
    const r = await fileTip(db);
    expect(await addReporterMessage(db, kek, { ...r, text: ' \u200b ', files: [], dataDir: dir })).toMatchObject({ kind: 'refused', field: 'text', message: '请填写补充内容' });
    expect(await addReporterMessage(db, kek, { ...r, text: '𠮷'.repeat(2001), files: [], dataDir: dir })).toMatchObject({ kind: 'refused', field: 'text' });
    expect((await addReporterMessage(db, kek, { ...r, text: '𠮷'.repeat(2000), files: [], dataDir: dir }))?.kind).toBe('added');
  });

  it('gives an anonymous tip without evidence a data key with its first message, and attaches files to it', async () => {
    const db = freshDb();
    const r = await fileTip(db);
    expect(db.select().from(tips).get()?.wrappedDataKey).toBeNull();
    const photo = await png('#33a');
    const added = await addReporterMessage(db, kek, { ...r, text: '补拍了两张照片。', files: [{ bytes: photo, originalName: '补拍1.png' }, { bytes: await png('#aa3'), originalName: '补拍2.png' }], dataDir: dir });
    if (added?.kind !== 'added') throw new Error('expected the message to be added');
    const tip = db.select().from(tips).get();
    expect(tip?.keyId).toBe(kek.id);
    const dataKey = open(kek.key, tip?.wrappedDataKey ?? '');
    const rows = db.select().from(tipEvidence).where(eq(tipEvidence.tipId, tip?.id ?? 0)).all();
    expect(rows.map((f) => [f.messageId, f.position, f.originalName])).toEqual([
      [added.messageId, 0, '补拍1.png'],
      [added.messageId, 1, '补拍2.png'],
    ]);
    expect(Buffer.from(await readStoredEvidence(dir, dataKey, rows[0]?.storageName ?? '')).equals(Buffer.from(photo))).toBe(true);
    expect(listMessages(db, kek, tip?.id ?? 0)[0]?.files.map((f) => f.previewStatus)).toEqual(['pending', 'pending']);
    // files sent later go through the same preview queue
    expect(await runPendingPreviews({ db, kek, dataDir: dir })).toBe(2);
    const messages = listMessages(db, kek, tip?.id ?? 0);
    expect(messages[0]?.files).toEqual([
      { originalName: '补拍1.png', mediaType: 'image/png', previewStatus: 'ready' },
      { originalName: '补拍2.png', mediaType: 'image/png', previewStatus: 'ready' },
    ]);
    const view = await trackTip(db, r.receiptNo, r.accessCode, kek);
    expect(view?.evidence).toEqual([]);
    expect(view?.messages[0]?.text).toBe('补拍了两张照片。');
  });

  it('continues positions after the tip files and keeps the total at 10 files per tip', async () => {
    const db = freshDb();
    const first = await png('#363');
    const r = await fileTip(db, Array.from({ length: 8 }, (_, i) => ({ bytes: first, originalName: `原${i}.png` })));
    const before = filesOnDisk();
    const three = Array.from({ length: 3 }, (_, i) => ({ bytes: first, originalName: `补${i}.png` }));
    const refused = await addReporterMessage(db, kek, { ...r, text: '再补三张。', files: three, dataDir: dir });
    expect(refused).toMatchObject({ kind: 'refused', field: 'evidence' });
    expect(refused?.kind === 'refused' && refused.message).toContain('最多 10 个证据文件');
    expect(db.select({ n: count() }).from(tipMessages).get()?.n).toBe(0);
    expect(filesOnDisk()).toBe(before);
    const added = await addReporterMessage(db, kek, { ...r, text: '再补两张。', files: three.slice(0, 2), dataDir: dir });
    expect(added?.kind).toBe('added');
    const positions = db.select({ p: tipEvidence.position, m: tipEvidence.messageId }).from(tipEvidence).all();
    expect(positions.filter((x) => x.m !== null).map((x) => x.p)).toEqual([8, 9]);
    expect((await addReporterMessage(db, kek, { ...r, text: '还有一张。', files: three.slice(0, 1), dataDir: dir }))?.kind).toBe('refused');
    // text alone is still fine at the total
    expect((await addReporterMessage(db, kek, { ...r, text: '没有新文件了。', files: [], dataDir: dir }))?.kind).toBe('added');
  });

  it('the same message sent twice at once (a double click) is stored once; sent again a minute later, it is new', async () => {
    const db = freshDb();
    const r = await fileTip(db, [{ bytes: await png('#3a3'), originalName: '现场.png' }]);
    const photo = await png('#a3a');
    const send = (at: string) => addReporterMessage(db, kek, { ...r, text: '补充：后门在夜里排污。', files: [{ bytes: photo, originalName: '夜里.png' }], dataDir: dir, now: new Date(at) });
    const before = filesOnDisk();
    const [a, b] = await Promise.all([send('2026-11-29T03:00:00Z'), send('2026-11-29T03:00:01Z')]);
    expect(a?.kind).toBe('added');
    expect(b?.kind).toBe('added');
    if (a?.kind !== 'added' || b?.kind !== 'added') throw new Error('unreachable');
    expect(b.messageId).toBe(a.messageId);
    expect(db.select({ n: count() }).from(tipMessages).get()?.n).toBe(1);
    expect(filesOnDisk()).toBe(before + 1);
    const later = await send('2026-11-29T03:02:00Z');
    expect(later?.kind === 'added' && later.messageId !== a.messageId).toBe(true);
    expect(db.select({ n: count() }).from(tipMessages).get()?.n).toBe(2);
  });

  it('removes the written files when the transaction fails', async () => {
    const db = freshDb();
    const r = await fileTip(db, [{ bytes: await png('#933'), originalName: 'a.png' }]);
    const before = filesOnDisk();
    db.$client.exec('DROP TABLE tip_messages');
    await expect(addReporterMessage(db, kek, { ...r, text: '补充', files: [{ bytes: await png('#399'), originalName: 'b.png' }], dataDir: dir })).rejects.toThrow();
    expect(filesOnDisk()).toBe(before);
  });
});
