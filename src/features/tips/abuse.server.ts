/**
 * Storage side of the abuse controls (./abuse.ts): fixed-window rate-limit counters keyed by an
 * HMAC of the client address (the address itself is never stored), failed access-code counts per
 * receipt no. and address, and the search for a near-duplicate tip. All synchronous (better-sqlite3).
 */
import { createHmac, hkdfSync } from 'node:crypto';
import { and, desc, eq, gte, isNull, like, lt, sql } from 'drizzle-orm';
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
 * not, the seconds until the window ends. Expired counters of the same purpose (the key's part
 * before the first ':') are pruned on the way.
 */
export function takeRateLimit(db: Db, key: string, limit: number, windowMs: number, now = new Date()): { allowed: boolean; retryAfterSec: number } {
  return db.transaction((tx) => {
    // only counters of this purpose: others (the staff sign-in throttle) keep theirs for longer
    const purpose = key.slice(0, key.indexOf(':') + 1);
    tx.delete(rateLimits).where(and(like(rateLimits.key, `${purpose}%`), lt(rateLimits.windowStart, new Date(now.getTime() - windowMs).toISOString()))).run();
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
 * Gives back one use of `key` taken by `takeRateLimit` (the submission it was taken for was not
 * stored: a refused file, a repeated form, a failure), so that only stored tips use up the hour
 * while taking the use first keeps concurrent submissions from all passing one check.
 */
export function releaseRateLimit(db: Db, key: string): void {
  db.update(rateLimits).set({ count: sql`max(${rateLimits.count} - 1, 0)` }).where(eq(rateLimits.key, key)).run();
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

/** The attempt key of one client address for a receipt no. (see `trackAttempts`). */
function perClient(receiptNo: string, client: string): string {
  return `${receiptNo}@${client}`;
}

/**
 * Whether look-ups of `receiptNo` from `client` (a `clientKey(kek, 'track', address)`, or
 * 'track:unknown') are locked now: by this address's failures or by all addresses' together.
 * Returns the end of the lock (ISO) or null.
 */
export function trackLockedUntil(db: Db, receiptNo: string, client: string, now = new Date()): string | null {
  const at = now.toISOString();
  const locks = [receiptNo, perClient(receiptNo, client)]
    .map((key) => db.select().from(trackAttempts).where(eq(trackAttempts.attemptKey, key)).get()?.lockedUntil ?? null)
    .filter((until): until is string => until !== null && until > at)
    .sort();
  return locks.at(-1) ?? null;
}

/**
 * Records a wrong access code for `receiptNo` from `client`; returns how long to hold the answer
 * (ms, from this address's count: ./abuse.ts `trackPolicy`) and the end of a lock when this
 * failure locks further look-ups (this address after TRACK_LOCK.failuresBeforeLock, every address
 * after TRACK_LOCK.failuresBeforeLockAllAddresses within TRACK_LOCK.lockMs). A lock that has run
 * out starts the count again.
 */
export function recordTrackFailure(db: Db, receiptNo: string, client: string, now = new Date()): { delayMs: number; lockedUntil: string | null } {
  const at = now.toISOString();
  const lockEnd = new Date(now.getTime() + TRACK_LOCK.lockMs).toISOString();
  return db.transaction((tx) => {
    const count = (key: string, stale: (row: typeof trackAttempts.$inferSelect) => boolean): number => {
      const row = tx.select().from(trackAttempts).where(eq(trackAttempts.attemptKey, key)).get();
      return !row || stale(row) ? 1 : row.failures + 1;
    };
    const save = (attemptKey: string, failures: number, lockedUntil: string | null) => {
      const values = { attemptKey, failures, lastFailureAt: at, lockedUntil };
      tx.insert(trackAttempts).values(values).onConflictDoUpdate({ target: trackAttempts.attemptKey, set: values }).run();
    };
    const ranOut = (row: typeof trackAttempts.$inferSelect) => row.lockedUntil != null && row.lockedUntil <= at;
    const mine = count(perClient(receiptNo, client), ranOut);
    const policy = trackPolicy(mine);
    const myLock = policy.lock ? lockEnd : null;
    save(perClient(receiptNo, client), mine, myLock);
    // all addresses: failures further apart than the lock time do not add up
    const all = count(receiptNo, (row) => ranOut(row) || Date.parse(row.lastFailureAt) < now.getTime() - TRACK_LOCK.lockMs);
    const allLock = all >= TRACK_LOCK.failuresBeforeLockAllAddresses ? lockEnd : null;
    save(receiptNo, all, allLock);
    return { delayMs: policy.delayMs, lockedUntil: myLock ?? allLock };
  });
}

/** Forgets the failures of `client` for `receiptNo` after a right code (the all-address count decays by itself). */
export function clearTrackFailures(db: Db, receiptNo: string, client: string): void {
  db.delete(trackAttempts).where(eq(trackAttempts.attemptKey, perClient(receiptNo, client))).run();
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
