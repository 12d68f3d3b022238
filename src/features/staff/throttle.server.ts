/**
 * Storage side of the sign-in throttle (./throttle.ts), and the known-device token.
 *
 * Counters live in `rate_limits`, keyed by HMACs (`clientKey`, src/features/tips/abuse.server.ts),
 * so that neither a name typed (it may be a password typed into the wrong field) nor an address is
 * stored:
 * - `staffSignIn:client:<HMAC of name and client>`: window_start = the last failure, count = the
 *   failures in a row;
 * - `staffSignIn:name:<HMAC of name>` and `staffSignIn:address:<HMAC of the address block>`:
 *   window_start = the instant the bucket is empty again, count = the failures it holds.
 * Rows whose window_start is more than SIGN_IN_THROTTLE.forgetMs old mean nothing and are deleted
 * on the way. All synchronous (better-sqlite3): a try is counted as a failure before its password
 * is checked (`takeSignInAttempt`), so that tries sent at once meet the wait, and given back by
 * `settleSignInAttempt` when it was no failure.
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rateLimits } from '../../db/schema.ts';
import { clientKey } from '../tips/abuse.server.ts';
import type { Kek } from '../tips/envelope.server.ts';
import { addressBlock, SIGN_IN_THROTTLE, signInWait, stateAfterFailure, type BucketRule, type ThrottleScope, type ThrottleState } from './throttle.ts';

const PREFIX = 'staffSignIn:';
// the first key after every `staffSignIn:…` key (';' follows ':'), so that the prefix is a range of the primary key
const PREFIX_END = 'staffSignIn;';

/** Who tries: the client's address (null when the server does not know it) and, when the browser is a known device of the account, its nonce. */
export interface SignInSource {
  address: string | null;
  device: string | null;
}

/** A try that may check a password: what `settleSignInAttempt` needs, and what the audit log may say. */
export interface SignInAttempt {
  keys: { client: string; name: string | null; address: string | null };
  knownDevice: boolean;
  /** the client's failures in a row, this try counted as one */
  failures: number;
  /** the wait the client's next try meets if this one fails (ms), and the rule behind it */
  ifFailed: { waitMs: number; scope: ThrottleScope };
  /** a pseudonym of the client's address for the audit log (a truncated HMAC), never the address */
  source: string;
}

type Tx = Pick<Db, 'select' | 'insert' | 'update' | 'delete'>;

function read(tx: Tx, key: string | null): { windowStart: string; count: number } | null {
  if (key === null) return null;
  return tx.select({ windowStart: rateLimits.windowStart, count: rateLimits.count }).from(rateLimits).where(eq(rateLimits.key, key)).get() ?? null;
}

function write(tx: Tx, key: string | null, at: number, count: number): void {
  if (key === null) return;
  const values = { key, windowStart: new Date(at).toISOString(), count };
  tx.insert(rateLimits).values(values).onConflictDoUpdate({ target: rateLimits.key, set: values }).run();
}

const instant = (row: { windowStart: string } | null) => (row ? Date.parse(row.windowStart) : null);

/**
 * Takes one try of `name` (as typed, normalised by `loginSchema`) from `source` at `now`. When a
 * rule holds it back, returns the wait (ms, > 0) and that rule, and counts nothing. Otherwise
 * counts it as a failure on every rule that applies (a known device: its own streak only) and
 * returns the attempt to settle once the password (and code) are checked.
 */
export function takeSignInAttempt(db: Db, kek: Kek, name: string, source: SignInSource, now: Date): { kind: 'wait'; waitMs: number; scope: ThrottleScope } | { kind: 'go'; attempt: SignInAttempt } {
  const block = source.address === null ? 'unknown' : addressBlock(source.address);
  const addressKey = clientKey(kek, `${PREFIX}address`, block);
  const knownDevice = source.device !== null;
  const keys = {
    client: clientKey(kek, `${PREFIX}client`, `${name}\n${knownDevice ? `device:${source.device}` : `address:${block}`}`),
    name: knownDevice ? null : clientKey(kek, `${PREFIX}name`, name),
    address: knownDevice ? null : addressKey,
  };
  const t = now.getTime();
  return db.transaction((tx) => {
    const rows = { client: read(tx, keys.client), name: read(tx, keys.name), address: read(tx, keys.address) };
    const state: ThrottleState = {
      client: rows.client ? { failures: rows.client.count, lastFailureAt: Date.parse(rows.client.windowStart) } : null,
      nameEmptyAt: instant(rows.name),
      addressEmptyAt: instant(rows.address),
      knownDevice,
    };
    const wait = signInWait(state, t);
    if (wait.waitMs > 0) return { kind: 'wait' as const, ...wait };
    // pruned only on a try that checks a password (and costs an argon2 hash anyway): a refused try only reads
    tx.delete(rateLimits)
      .where(and(gte(rateLimits.key, PREFIX), lt(rateLimits.key, PREFIX_END), lt(rateLimits.windowStart, new Date(t - SIGN_IN_THROTTLE.forgetMs).toISOString())))
      .run();
    const next = stateAfterFailure(state, t);
    const failures = next.client?.failures ?? 1;
    write(tx, keys.client, t, failures);
    // a bucket's count: the failures it still holds
    if (next.nameEmptyAt !== null) write(tx, keys.name, next.nameEmptyAt, Math.ceil((next.nameEmptyAt - t) / SIGN_IN_THROTTLE.name.drainMs));
    if (next.addressEmptyAt !== null) write(tx, keys.address, next.addressEmptyAt, Math.ceil((next.addressEmptyAt - t) / SIGN_IN_THROTTLE.address.drainMs));
    const pseudonym = addressKey.slice(addressKey.lastIndexOf(':') + 1).slice(0, 10);
    return { kind: 'go' as const, attempt: { keys, knownDevice, failures, ifFailed: signInWait(next, t), source: pseudonym } };
  });
}

/** Takes one failure back out of a bucket (a try that was no failure). */
function refund(tx: Tx, key: string | null, rule: BucketRule): void {
  const row = read(tx, key);
  if (!row) return;
  write(tx, key, Date.parse(row.windowStart) - rule.drainMs, Math.max(0, row.count - 1));
}

/**
 * Settles a try taken by `takeSignInAttempt`: a `failed` one stays counted; a `succeeded` one
 * clears the client's failures and leaves the buckets as before it; a `notCounted` one (the right
 * password, then a code asked for, or a disabled account) is taken back everywhere.
 */
export function settleSignInAttempt(db: Db, attempt: SignInAttempt, outcome: 'failed' | 'succeeded' | 'notCounted'): void {
  if (outcome === 'failed') return;
  db.transaction((tx) => {
    refund(tx, attempt.keys.name, SIGN_IN_THROTTLE.name);
    refund(tx, attempt.keys.address, SIGN_IN_THROTTLE.address);
    const client = read(tx, attempt.keys.client);
    if (outcome === 'succeeded' || !client || client.count <= 1) tx.delete(rateLimits).where(eq(rateLimits.key, attempt.keys.client)).run();
    else tx.update(rateLimits).set({ count: client.count - 1 }).where(eq(rateLimits.key, attempt.keys.client)).run();
  });
}

function deviceMac(kek: Kek, userId: number, body: string): string {
  const key = Buffer.from(hkdfSync('sha256', kek.key, Buffer.alloc(0), 'fangxin staff known device', 32));
  return createHmac('sha256', key).update(`${userId}.${body}`).digest('base64url');
}

/**
 * A new known-device token for the browser that just signed in to account `userId`:
 * `<issued, s since epoch>.<nonce>.<HMAC-SHA256 of user id, issued and nonce>` under a key derived
 * from the KEK (OWASP "Slow Down Online Guessing Attacks with Device Cookies": LOGIN, NONCE,
 * SIGNATURE). Nothing is stored: the token proves itself.
 */
export function newDeviceToken(kek: Kek, userId: number, now: Date): string {
  const body = `${Math.floor(now.getTime() / 1000)}.${randomBytes(16).toString('base64url')}`;
  return `${body}.${deviceMac(kek, userId, body)}`;
}

/**
 * The nonce of `token` when it is a known-device token of account `userId` issued within
 * SIGN_IN_THROTTLE.knownDeviceMs before `now` under this KEK; null for anything else (absent,
 * malformed, forged, another account's, expired, or issued under a former KEK).
 */
export function knownDevice(kek: Kek, userId: number, token: string | undefined, now: Date): string | null {
  const m = token ? /^(\d{1,12})\.([\w-]{22})\.([\w-]{43})$/u.exec(token) : null;
  if (!m) return null;
  const [, issued = '', nonce = '', mac = ''] = m;
  if (!timingSafeEqual(Buffer.from(deviceMac(kek, userId, `${issued}.${nonce}`)), Buffer.from(mac))) return null;
  const age = now.getTime() - Number(issued) * 1000;
  // a minute of clock step backwards is tolerated
  return age > -60_000 && age < SIGN_IN_THROTTLE.knownDeviceMs ? nonce : null;
}
