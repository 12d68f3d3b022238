/**
 * Abuse controls of the tip-off service, as pure rules (DESIGN.md "Tip-offs" → Abuse; issue #4
 * points 6 and 9): the tip rate limit, the slowing and locking of access-code guesses, and the
 * near-duplicate test that flags a tip for staff instead of rejecting it.
 */

/** At most `limit` tips per client address per window (issue #4: 10 tips an hour; TIP_RATE_LIMIT overrides the limit). */
export const TIP_RATE_LIMIT = { limit: 10, windowMs: 60 * 60 * 1000 } as const;

/**
 * Wrong access codes before the look-up of a receipt no. locks, and for how long (ms):
 * `failuresBeforeLock` from one client address locks that address only (nobody can lock the
 * reporter out by typing wrong codes from elsewhere); `failuresBeforeLockAllAddresses` from all
 * addresses together, within `lockMs` of each other, locks every address (guessing spread over
 * many addresses). With 31^10 possible codes neither leaves guessing a chance.
 */
export const TRACK_LOCK = { failuresBeforeLock: 5, failuresBeforeLockAllAddresses: 30, lockMs: 15 * 60 * 1000 } as const;

/**
 * The answer to the next look-up after `failures` wrong codes in a row: a delay (ms) that grows
 * from the third failure (2 s, 4 s), then a lock of TRACK_LOCK.lockMs from the fifth.
 */
export function trackPolicy(failures: number): { delayMs: number; lock: boolean } {
  if (failures >= TRACK_LOCK.failuresBeforeLock) return { delayMs: 0, lock: true };
  if (failures >= 3) return { delayMs: 2 ** (failures - 2) * 1000, lock: false };
  return { delayMs: 0, lock: false };
}

function bigrams(text: string): Map<string, number> {
  const chars = [...text.normalize('NFKC').replace(/[\s\p{P}\p{S}]/gu, '').toLowerCase()];
  const grams = new Map<string, number>();
  for (let i = 0; i + 1 < chars.length; i++) {
    const g = `${chars[i]}${chars[i + 1]}`;
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  if (chars.length === 1) grams.set(chars[0] ?? '', 1);
  return grams;
}

/**
 * Similarity of two texts from 0 to 1: the Sørensen–Dice coefficient of their character bigrams,
 * ignoring white space, punctuation, width and case. Equal texts give 1.
 */
export function textSimilarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  const size = (m: Map<string, number>) => [...m.values()].reduce((s, n) => s + n, 0);
  const total = size(x) + size(y);
  if (total === 0) return 1;
  let shared = 0;
  for (const [g, n] of x) shared += Math.min(n, y.get(g) ?? 0);
  return (2 * shared) / total;
}

/** Near-same text: a tip about the same workshop within a day at or above this is flagged. */
export const DUPLICATE_SIMILARITY = 0.8;

/** Window within which a near-same tip about the same workshop counts as a duplicate (ms). */
export const DUPLICATE_WINDOW_MS = 24 * 60 * 60 * 1000;
