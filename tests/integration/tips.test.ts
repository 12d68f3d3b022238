/**
 * Storing and tracking tips on a real SQLite database (DESIGN.md "Tip-offs"): one transaction per
 * tip with its first event, the identity encrypted at rest, idempotent submits, unique receipts.
 * All names and numbers here are fictitious.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { tipEvents, tips } from '../../src/db/schema.ts';
import { EnvelopeError, decryptForTip, loadKek } from '../../src/features/tips/envelope.server.ts';
import { ACCESS_CODE_ALPHABET, tipFormSchema, type TipForm } from '../../src/features/tips/tip.ts';
import { submitTip, trackTip, type SubmitResult } from '../../src/features/tips/tips.server.ts';
import { rewrapTipKeys } from '../../src/features/tips/rotate.server.ts';
import { TODAY, freshDb } from './helpers.ts';

const NAME = '测试用户';
const MOBILE = '13800138000';

const tmp = mkdtempSync(path.join(tmpdir(), 'fangxin-it-tips-'));
const kek = loadKek(undefined, path.join(tmp, 'a'));
const otherKek = loadKek(undefined, path.join(tmp, 'b'));
const schema = tipFormSchema({ today: () => TODAY });

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function token(): string {
  return randomBytes(18).toString('base64url');
}

function form(overrides: Record<string, string> = {}): TipForm {
  return schema.parse({
    submissionToken: token(),
    subjectName: '测试米粉加工坊',
    subjectPlace: '测试县测试镇农贸市场旁',
    category: 'hygiene',
    description: '测试用举报内容：加工场所卫生条件差，原料露天堆放。',
    occurredOn: '2026-11-20',
    reporterMode: 'realName',
    reporterName: NAME,
    mobile: MOBILE,
    ...overrides,
  });
}

function created(r: SubmitResult): Extract<SubmitResult, { kind: 'created' }> {
  if (r.kind !== 'created') throw new Error(`expected a created tip, got ${r.kind}`);
  return r;
}

let db: Db;

function counts(): { tips: number; events: number } {
  return {
    tips: db.select({ n: count() }).from(tips).get()?.n ?? 0,
    events: db.select({ n: count() }).from(tipEvents).get()?.n ?? 0,
  };
}

beforeEach(() => {
  db = freshDb();
});

describe('submitTip', () => {
  it('stores one tip and its first event, and returns a receipt no. and a one-time access code', async () => {
    const r = created(await submitTip(db, kek, form()));
    expect(r.receiptNo).toMatch(/^\d{16}$/u);
    expect(r.accessCode).toMatch(new RegExp(`^[${ACCESS_CODE_ALPHABET}]{10}$`, 'u'));
    expect(counts()).toEqual({ tips: 1, events: 1 });
    const tip = db.select().from(tips).get();
    const event = db.select().from(tipEvents).get();
    expect(tip?.receiptNo).toBe(r.receiptNo);
    expect(tip?.status).toBe('submitted');
    expect(event).toMatchObject({ tipId: tip?.id, status: 'submitted', at: r.submittedAt });
  });

  it('keeps no plaintext identity or access code in the row; the identity decrypts with the KEK only', async () => {
    const r = created(await submitTip(db, kek, form({ mobile: '+86 138-0013-8000' })));
    const tip = db.select().from(tips).get();
    expect(tip).toBeDefined();
    const raw = JSON.stringify(db.$client.prepare('SELECT * FROM tips').all());
    expect(raw).not.toContain(NAME);
    expect(raw).not.toContain(MOBILE);
    expect(raw).not.toContain('138-0013-8000');
    expect(raw).not.toContain(r.accessCode);
    expect(tip?.accessCodeHash).toMatch(/^\$argon2id\$/u);
    expect(tip?.keyId).toBe(kek.id);
    const sealed = { ciphertext: tip?.reporterCiphertext ?? '', wrappedDataKey: tip?.wrappedDataKey ?? '' };
    expect(decryptForTip(kek, sealed)).toEqual({ name: NAME, mobile: MOBILE, idNumber: null, claimReward: false });
    expect(() => decryptForTip(otherKek, sealed)).toThrow(EnvelopeError);
  });

  it('stores nothing to decrypt for an anonymous tip', async () => {
    created(await submitTip(db, kek, form({ reporterMode: 'anonymous', reporterName: '', mobile: '' })));
    const tip = db.select().from(tips).get();
    expect(tip).toMatchObject({ reporterMode: 'anonymous', reporterCiphertext: null, wrappedDataKey: null, keyId: null });
  });

  it('answers the same submission token twice with one tip: the second call is a duplicate', async () => {
    const f = form();
    const first = created(await submitTip(db, kek, f));
    const second = await submitTip(db, kek, f);
    expect(second).toEqual({ kind: 'duplicate', receiptNo: first.receiptNo });
    expect(counts()).toEqual({ tips: 1, events: 1 });
  });

  it('stores one tip when the same token is submitted twice at the same moment (double click)', async () => {
    const f = form();
    const results = await Promise.all([submitTip(db, kek, f), submitTip(db, kek, f)]);
    expect(results.map((r) => r.kind).sort()).toEqual(['created', 'duplicate']);
    expect(new Set(results.map((r) => r.receiptNo)).size).toBe(1);
    expect(counts()).toEqual({ tips: 1, events: 1 });
  });

  it('gives 30 parallel submits 30 distinct 16-digit receipt numbers', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => submitTip(db, kek, form())));
    const receipts = results.map((r) => created(r).receiptNo);
    for (const n of receipts) expect(n).toMatch(/^\d{16}$/u);
    expect(new Set(receipts).size).toBe(30);
    expect(counts()).toEqual({ tips: 30, events: 30 });
  });

  it('writes nothing when the transaction fails half-way', async () => {
    db.$client.exec('DROP TABLE tip_events');
    await expect(submitTip(db, kek, form())).rejects.toThrow();
    expect(db.select({ n: count() }).from(tips).get()?.n).toBe(0);
  });
});

describe('trackTip', () => {
  it('shows the status with the right access code and nothing with a wrong one', async () => {
    const r = created(await submitTip(db, kek, form()));
    const view = await trackTip(db, r.receiptNo, r.accessCode, kek);
    expect(view).toMatchObject({ receiptNo: r.receiptNo, status: 'submitted', subjectName: '测试米粉加工坊', submittedAt: r.submittedAt });
    expect(view?.events).toEqual([{ status: 'submitted', at: r.submittedAt, note: null }]);
    const wrong = [...r.accessCode].map((c) => (c === 'A' ? 'B' : 'A')).join('');
    expect(await trackTip(db, r.receiptNo, wrong, kek)).toBeNull();
    expect(await trackTip(db, '1234567890123456', r.accessCode, kek)).toBeNull();
  });
});

describe('rotating the key-encryption key', () => {
  it('re-wraps every data key without re-encrypting the identity, and the old key no longer opens it', async () => {
    const db = freshDb();
    const dir2 = mkdtempSync(path.join(os.tmpdir(), 'fangxin-rotate-'));
    try {
      const oldKek = loadKek(undefined, dir2);
      const newKek = loadKek(randomBytes(32).toString('base64'), dir2);
      const result = await submitTip(db, oldKek, form({ submissionToken: 'rotate-token-0000000001', reporterMode: 'realName', reporterName: NAME, mobile: MOBILE }));
      expect(result.kind).toBe('created');
      const before = db.select().from(tips).get();
      expect(rewrapTipKeys(db, oldKek, newKek)).toBe(1);
      const after = db.select().from(tips).get();
      expect(after?.reporterCiphertext).toBe(before?.reporterCiphertext);
      expect(after?.keyId).toBe(newKek.id);
      const sealed = { ciphertext: after?.reporterCiphertext ?? '', wrappedDataKey: after?.wrappedDataKey ?? '' };
      expect(decryptForTip(newKek, sealed)).toMatchObject({ name: NAME, mobile: MOBILE });
      expect(() => decryptForTip(oldKek, sealed)).toThrow(EnvelopeError);
      expect(() => rewrapTipKeys(db, oldKek, newKek)).not.toThrow();
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  });
});
