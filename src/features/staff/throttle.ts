/**
 * Sign-in throttling of the staff back office (issue #9 point 10), as pure rules. Wrong passwords
 * and codes slow down whoever types them, never the account's owner elsewhere:
 *
 * - **client** — one client against one sign-in name, the client being its address or, for a
 *   browser that signed in to that account before, that browser (a "known device": OWASP, "Slow
 *   Down Online Guessing Attacks with Device Cookies"). Three failures pass; each further one makes
 *   the next try wait, 5 s doubling to 15 min (the exponential lockout of the OWASP Authentication
 *   Cheat Sheet, "Account Lockout"). Forgotten a day after its last failure, or at a success.
 * - **name** — every client that is no known device, together, against one name (the counter "of
 *   the account itself, rather than the source IP address", ibid.): a bucket 20 failures fill and
 *   that drains one per 15 min. Once full, those clients get one try per 15 min between them, from
 *   any number of addresses. Known devices are not held by it: the owner keeps signing in where
 *   they did before. One client alone never fills it: its own waits reach the drain rate first.
 * - **address** — one address against every name (password spraying, OWASP Credential Stuffing
 *   Prevention Cheat Sheet): the same kind of bucket, 15 failures, one per 15 min; known devices
 *   are not held by it either.
 *
 * A name that is no account is counted exactly like one (every counter is keyed by the name typed),
 * so that no wait tells which names exist. An IPv6 client counts by its /64 block, which one
 * subscriber usually holds whole (RFC 6177).
 */
import { isIPv6 } from 'node:net';

const MINUTE = 60_000;

/** The throttle's numbers; see the module comment for what each rule is for. */
export const SIGN_IN_THROTTLE = {
  client: { freeFailures: 3, firstWaitMs: 5_000, maxWaitMs: 15 * MINUTE },
  name: { freeFailures: 20, drainMs: 15 * MINUTE },
  address: { freeFailures: 15, drainMs: 15 * MINUTE },
  /** a client's failures are forgotten this long after the last one (ms) */
  forgetMs: 24 * 60 * MINUTE,
  /** a browser stays a known device this long after the sign-in that made it one (ms) */
  knownDeviceMs: 30 * 24 * 60 * MINUTE,
} as const;

/** Which rule holds a try back. */
export type ThrottleScope = 'client' | 'name' | 'address';

/** A bucket rule: `freeFailures` at once, then one per `drainMs`. */
export interface BucketRule {
  freeFailures: number;
  drainMs: number;
}

/** One client's failures in a row against one name, and the instant (ms since epoch) of the last. */
export interface Streak {
  failures: number;
  lastFailureAt: number;
}

/**
 * The wait (ms) before the next try of a client after `failures` failures in a row: none for the
 * first SIGN_IN_THROTTLE.client.freeFailures, then 5 s, doubling with each failure, at most 15 min.
 */
export function clientWaitMs(failures: number): number {
  const { freeFailures, firstWaitMs, maxWaitMs } = SIGN_IN_THROTTLE.client;
  if (failures < freeFailures) return 0;
  return Math.min(maxWaitMs, firstWaitMs * 2 ** Math.min(failures - freeFailures, 20));
}

/** Whether `streak` is still remembered at `now` (ms). */
function remembered(streak: Streak | null, now: number): streak is Streak {
  return streak !== null && now - streak.lastFailureAt < SIGN_IN_THROTTLE.forgetMs;
}

/** The time left (ms) before the client of `streak` may try again at `now` (ms); 0 = now. */
export function streakWaitMs(streak: Streak | null, now: number): number {
  if (!remembered(streak, now)) return 0;
  return Math.max(0, streak.lastFailureAt + clientWaitMs(streak.failures) - now);
}

/** The streak after one more failure at `now` (ms): a forgotten one starts again at 1. */
export function afterStreakFailure(streak: Streak | null, now: number): Streak {
  return { failures: remembered(streak, now) ? streak.failures + 1 : 1, lastFailureAt: now };
}

/**
 * The time left (ms) before a try held by a bucket that is empty again at `emptyAt` (ms; null =
 * empty): each failure adds `drainMs`, so `freeFailures` fit at once and the next waits one drain.
 */
export function bucketWaitMs(rule: BucketRule, emptyAt: number | null, now: number): number {
  const debt = Math.max(0, (emptyAt ?? now) - now);
  return Math.max(0, debt - (rule.freeFailures - 1) * rule.drainMs);
}

/** The instant (ms) the bucket is empty again after one more failure at `now`. */
export function afterBucketFailure(rule: BucketRule, emptyAt: number | null, now: number): number {
  return Math.max(emptyAt ?? now, now) + rule.drainMs;
}

/** What the throttle knows of one try: the client's streak and the two buckets (instants in ms). */
export interface ThrottleState {
  client: Streak | null;
  /** when the name's bucket is empty again; ignored for a known device */
  nameEmptyAt: number | null;
  /** when the address's bucket is empty again; ignored for a known device */
  addressEmptyAt: number | null;
  knownDevice: boolean;
}

/**
 * The wait (ms) before a try at `now` may check a password, and the rule that imposes it (the
 * longest); `waitMs` 0 = go ahead. A known device is held by its own streak only.
 */
export function signInWait(state: ThrottleState, now: number): { waitMs: number; scope: ThrottleScope } {
  const waits: [ThrottleScope, number][] = [['client', streakWaitMs(state.client, now)]];
  if (!state.knownDevice) {
    waits.push(['name', bucketWaitMs(SIGN_IN_THROTTLE.name, state.nameEmptyAt, now)]);
    waits.push(['address', bucketWaitMs(SIGN_IN_THROTTLE.address, state.addressEmptyAt, now)]);
  }
  const [scope, waitMs] = waits.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { waitMs, scope };
}

/** The state after one more failure at `now` (buckets untouched for a known device). */
export function stateAfterFailure(state: ThrottleState, now: number): ThrottleState {
  return {
    ...state,
    client: afterStreakFailure(state.client, now),
    ...(state.knownDevice
      ? {}
      : { nameEmptyAt: afterBucketFailure(SIGN_IN_THROTTLE.name, state.nameEmptyAt, now), addressEmptyAt: afterBucketFailure(SIGN_IN_THROTTLE.address, state.addressEmptyAt, now) }),
  };
}

/** The groups of an IPv6 address in full (8 numbers); an embedded IPv4 tail counts as two. */
function ipv6Groups(address: string): number[] {
  const part = (s: string): number[] =>
    s === ''
      ? []
      : s.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
          return [a * 256 + b, c * 256 + d];
        });
  const [head = '', tail] = address.split('::');
  const h = part(head);
  if (tail === undefined) return h;
  const t = part(tail);
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/**
 * The block a client address counts as: an IPv4 address itself (also when written IPv4-mapped,
 * `::ffff:a.b.c.d`), an IPv6 address its /64 (`2001:db8:0:1::/64`); anything else unchanged.
 */
export function addressBlock(address: string): string {
  const bare = address.trim().toLowerCase().replace(/%.*$/u, '');
  if (!isIPv6(bare)) return bare;
  const groups = ipv6Groups(bare);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] ?? 0, groups[7] ?? 0].flatMap((g) => [g >> 8, g & 0xff]).join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
