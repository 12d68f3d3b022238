/**
 * The abuse controls on a real SQLite database: the tip rate limit, the access-code lock, and
 * duplicate flagging.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { rateLimits, tips } from '../../src/db/schema.ts';
import { clientKey, peekRateLimit, recordTrackFailure, releaseRateLimit, takeRateLimit, trackLockedUntil, clearTrackFailures } from '../../src/features/tips/abuse.server.ts';
import { loadKek } from '../../src/features/tips/envelope.server.ts';
import { tipFormSchema } from '../../src/features/tips/tip.ts';
import { submitTip } from '../../src/features/tips/tips.server.ts';
import { TODAY, freshDb } from './helpers.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fangxin-abuse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const kek = loadKek(undefined, dir);

describe('the tip rate limit', () => {
  it('allows 10 an hour per address, then refuses with the wait, and stores no address', () => {
    const db = freshDb();
    const key = clientKey(kek, 'tip', '203.0.113.7');
    const now = new Date('2026-11-29T02:00:00Z');
    for (let i = 0; i < 10; i++) expect(takeRateLimit(db, key, 10, 3_600_000, now).allowed).toBe(true);
    const refused = takeRateLimit(db, key, 10, 3_600_000, new Date(now.getTime() + 60_000));
    expect(refused).toEqual({ allowed: false, retryAfterSec: 3540 });
    expect(takeRateLimit(db, clientKey(kek, 'tip', '203.0.113.8'), 10, 3_600_000, now).allowed).toBe(true);
    expect(takeRateLimit(db, key, 10, 3_600_000, new Date(now.getTime() + 3_600_001)).allowed).toBe(true);
    expect(JSON.stringify(db.select().from(rateLimits).all())).not.toContain('203.0.113');
  });
});

describe('checking the limit', () => {
  it('does not count a use: only stored tips use up the hour', () => {
    const db = freshDb();
    const key = clientKey(kek, 'tip', '203.0.113.9');
    const now = new Date('2026-11-29T02:00:00Z');
    for (let i = 0; i < 20; i++) expect(peekRateLimit(db, key, 2, 3_600_000, now).allowed).toBe(true);
    takeRateLimit(db, key, Number.MAX_SAFE_INTEGER, 3_600_000, now);
    takeRateLimit(db, key, Number.MAX_SAFE_INTEGER, 3_600_000, now);
    expect(peekRateLimit(db, key, 2, 3_600_000, new Date(now.getTime() + 1000))).toEqual({ allowed: false, retryAfterSec: 3599 });
    expect(peekRateLimit(db, key, 2, 3_600_000, new Date(now.getTime() + 3_600_000)).allowed).toBe(true);
  });
});

describe('the hourly tip limit under concurrent submissions', () => {
  it('is taken before a tip is filed and given back when none is stored', () => {
    const db = freshDb();
    const key = 'tip:concurrent';
    const now = new Date('2026-11-29T05:00:00Z');
    // ten submissions arriving together each take a use first: the eleventh is refused at once
    const taken = Array.from({ length: 11 }, () => takeRateLimit(db, key, 10, 3_600_000, now).allowed);
    expect(taken.filter(Boolean)).toHaveLength(10);
    expect(taken[10]).toBe(false);
    // two of them were refused (a bad file…): their uses come back
    releaseRateLimit(db, key);
    releaseRateLimit(db, key);
    expect(takeRateLimit(db, key, 10, 3_600_000, now).allowed).toBe(true);
    expect(takeRateLimit(db, key, 10, 3_600_000, now).allowed).toBe(true);
    expect(takeRateLimit(db, key, 10, 3_600_000, now).allowed).toBe(false);
    // never below zero
    for (let i = 0; i < 20; i++) releaseRateLimit(db, key);
    expect(takeRateLimit(db, key, 1, 3_600_000, now).allowed).toBe(true);
    expect(takeRateLimit(db, key, 1, 3_600_000, now).allowed).toBe(false);
  });
});

describe('access-code guesses', () => {
  it('lock a receipt no. for one address after five wrong codes, for 15 minutes, whether it exists or not', () => {
    const db = freshDb();
    const receipt = '1234567890123456';
    const me = 'track:me';
    const now = new Date('2026-11-29T02:00:00Z');
    const delays = [1, 2, 3, 4].map(() => recordTrackFailure(db, receipt, me, now).delayMs);
    expect(delays).toEqual([0, 0, 2000, 4000]);
    expect(trackLockedUntil(db, receipt, me, now)).toBeNull();
    expect(recordTrackFailure(db, receipt, me, now).lockedUntil).toBe('2026-11-29T02:15:00.000Z');
    expect(trackLockedUntil(db, receipt, me, new Date('2026-11-29T02:14:59Z'))).toBe('2026-11-29T02:15:00.000Z');
    expect(trackLockedUntil(db, receipt, me, new Date('2026-11-29T02:15:00Z'))).toBeNull();
    expect(recordTrackFailure(db, receipt, me, new Date('2026-11-29T02:16:00Z')).delayMs).toBe(0);
    clearTrackFailures(db, receipt, me);
    expect(trackLockedUntil(db, receipt, me, now)).toBeNull();
  });

  it('do not lock the reporter out when someone else types wrong codes for the receipt no.', () => {
    const db = freshDb();
    const receipt = '6543210987654321';
    const now = new Date('2026-11-29T03:00:00Z');
    for (let i = 0; i < 5; i++) recordTrackFailure(db, receipt, 'track:stranger', now);
    expect(trackLockedUntil(db, receipt, 'track:stranger', now)).toBe('2026-11-29T03:15:00.000Z');
    expect(trackLockedUntil(db, receipt, 'track:reporter', now)).toBeNull();
  });

  it('lock every address after 30 wrong codes from many addresses within 15 minutes', () => {
    const db = freshDb();
    const receipt = '1111222233334444';
    const at = (minute: number) => new Date(Date.parse('2026-11-29T04:00:00Z') + minute * 60_000);
    // failures spread out more than 15 minutes apart do not add up
    for (let i = 0; i < 29; i++) recordTrackFailure(db, receipt, `track:far${i}`, at(i * 16));
    expect(trackLockedUntil(db, receipt, 'track:reporter', at(29 * 16))).toBeNull();
    // 30 in a row from 10 addresses, 3 each
    let last: string | null = null;
    for (let i = 0; i < 30; i++) last = recordTrackFailure(db, receipt, `track:bot${i % 10}`, at(500)).lockedUntil;
    expect(last).toBe(at(515).toISOString());
    expect(trackLockedUntil(db, receipt, 'track:reporter', at(510))).toBe(at(515).toISOString());
    expect(trackLockedUntil(db, receipt, 'track:reporter', at(515))).toBeNull();
  });
});

describe('near-duplicate tips', () => {
  it('are stored and flagged for staff, not rejected', async () => {
    const db = freshDb();
    const schema = tipFormSchema({ today: () => TODAY });
    const form = (token: string, description: string) =>
      schema.parse({ submissionToken: token, subjectName: '无名米粉作坊', category: 'nonFoodSubstances', description, reporterMode: 'anonymous' });
    const first = await submitTip(db, kek, form('token-aaaaaaaaaaaaaaaa', '作坊用硫磺熏米粉，气味刺鼻，就在东门菜市场旁。'));
    const second = await submitTip(db, kek, form('token-bbbbbbbbbbbbbbbb', '作坊用硫磺熏米粉，气味很刺鼻，就在东门菜市场旁边。'));
    const third = await submitTip(db, kek, form('token-cccccccccccccccc', '另一家作坊的工人不戴口罩，地面到处是积水。'));
    expect([first.kind, second.kind, third.kind]).toEqual(['created', 'created', 'created']);
    const rows = db.select().from(tips).all();
    const firstId = rows[0]?.id;
    expect(rows.map((r) => r.duplicateOfTipId)).toEqual([null, firstId, null]);
    expect(db.select().from(tips).where(eq(tips.duplicateOfTipId, firstId ?? 0)).all()).toHaveLength(1);
  });
});
