/**
 * Storage side of the abuse controls (./abuse.ts): fixed-window rate-limit counters keyed by an
 * HMAC of the client address (the address itself is never stored), failed access-code counts per
 * receipt no., and the search for a near-duplicate tip. All synchronous (better-sqlite3).
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { and, desc, eq, gte, isNull, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rateLimits, tips, trackAttempts } from '../../db/schema.ts';
import type { Kek } from './envelope.server.ts';
import { DUPLICATE_SIMILARITY, DUPLICATE_WINDOW_MS, TRACK_LOCK, textSimilarity, trackPolicy } from './abuse.ts';

/** The rate-limit key of a client address: `<purpose>:<HMAC-SHA256 under a key derived from the KEK>`. */
export function clientKey(kek: Kek, purpose: string, address: string): string {
  const key = Buffer.from(hkdfSync('sha256', kek.key, Buffer.alloc(0), 'fangxin rate-limit key', 32));
  return `${purpose}:${createHmac('sha256', key).update(address).digest('base64url')}`;
}

/**
 * Counts one use of `key` in a fixed window of `windowMs`. Returns whether it is allowed and, when
 * not, the seconds until the window ends. Expired counters are pruned on the way.
 */
export function takeRateLimit(db: Db, key: string, limit: number, windowMs: number, now = new Date()): { allowed: boolean; retryAfterSec: number } {
  return db.transaction((tx) => {
    tx.delete(rateLimits).where(lt(rateLimits.windowStart, new Date(now.getTime() - windowMs).toISOString())).run();
    const row = tx.select().from(rateLimits).where(eq(rateLimits.key, key)).get();
    if (!row) {
      tx.insert(rateLimits).values({ key, windowStart: now.toISOString(), count: 1 }).run();
      return { allowed: true, retryAfterSec: 0 };
    }
    const ends = Date.parse(row.windowStart) + windowMs;
    if (row.count >= limit) return { allowed: false, retryAfterSec: Math.max(1, Math.ceil((ends - now.getTime()) / 1000)) };
    tx.update(rateLimits).set({ count: row.count + 1 }).where(eq(rateLimits.key, key)).run();
    return { allowed: true, retryAfterSec: 0 };
  });
}

/**
 * Whether `key` has used up its `limit` in the current window, without counting a use: a
 * submission is checked first and counted (`takeRateLimit`) only once it is stored, so a tip
 * refused for a bad file does not use up the reporter's hour.
 */
export function peekRateLimit(db: Db, key: string, limit: number, windowMs: number, now = new Date()): { allowed: boolean; retryAfterSec: number } {
  const row = db.select().from(rateLimits).where(eq(rateLimits.key, key)).get();
  if (!row) return { allowed: true, retryAfterSec: 0 };
  const ends = Date.parse(row.windowStart) + windowMs;
  if (ends <= now.getTime() || row.count < limit) return { allowed: true, retryAfterSec: 0 };
  return { allowed: false, retryAfterSec: Math.max(1, Math.ceil((ends - now.getTime()) / 1000)) };
}

/** Whether look-ups of `receiptNo` are locked now; returns the end of the lock (ISO) or null. */
export function trackLockedUntil(db: Db, receiptNo: string, now = new Date()): string | null {
  const row = db.select().from(trackAttempts).where(eq(trackAttempts.receiptNo, receiptNo)).get();
  return row?.lockedUntil && row.lockedUntil > now.toISOString() ? row.lockedUntil : null;
}

/**
 * Records a wrong access code for `receiptNo`; returns how long to hold the answer (ms) and the
 * end of a lock when this failure locks further look-ups. A lock that has run out starts the count
 * again.
 */
export function recordTrackFailure(db: Db, receiptNo: string, now = new Date()): { delayMs: number; lockedUntil: string | null } {
  return db.transaction((tx) => {
    const row = tx.select().from(trackAttempts).where(eq(trackAttempts.receiptNo, receiptNo)).get();
    const expired = row?.lockedUntil != null && row.lockedUntil <= now.toISOString();
    const failures = !row || expired ? 1 : row.failures + 1;
    const policy = trackPolicy(failures);
    const lockedUntil = policy.lock ? new Date(now.getTime() + TRACK_LOCK.lockMs).toISOString() : null;
    const values = { receiptNo, failures, lastFailureAt: now.toISOString(), lockedUntil };
    tx.insert(trackAttempts).values(values).onConflictDoUpdate({ target: trackAttempts.receiptNo, set: values }).run();
    return { delayMs: policy.delayMs, lockedUntil };
  });
}

/** Forgets the failures of `receiptNo` after a right code. */
export function clearTrackFailures(db: Db, receiptNo: string): void {
  db.delete(trackAttempts).where(eq(trackAttempts.receiptNo, receiptNo)).run();
}

/**
 * The earlier tip this one nearly repeats: same workshop (by id, else by the same subject name),
 * filed within DUPLICATE_WINDOW_MS, description similarity ≥ DUPLICATE_SIMILARITY. Null if none.
 */
export function findDuplicateTip(
  db: Db,
  tip: { partyId: number | null; subjectName: string; description: string },
  now = new Date(),
): number | null {
  const since = new Date(now.getTime() - DUPLICATE_WINDOW_MS).toISOString();
  const sameSubject = tip.partyId !== null ? eq(tips.partyId, tip.partyId) : and(isNull(tips.partyId), eq(tips.subjectName, tip.subjectName));
  const candidates = db
    .select({ id: tips.id, description: tips.description })
    .from(tips)
    .where(and(sameSubject, gte(tips.submittedAt, since)))
    .orderBy(desc(tips.submittedAt))
    .limit(50)
    .all();
  return candidates.find((c) => textSimilarity(c.description, tip.description) >= DUPLICATE_SIMILARITY)?.id ?? null;
}
