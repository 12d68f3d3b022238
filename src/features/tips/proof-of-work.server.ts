/**
 * Proof of work for the tip form (DESIGN.md "Tip-offs" → Abuse: "a proof-of-work challenge instead
 * of an image CAPTCHA (accessible, 适老化)"), with ALTCHA: `altcha-lib` makes and checks the
 * challenges here, the `altcha` widget in the form solves one in the browser (a second or two of
 * PBKDF2 on a phone, no puzzle to read or hear) and posts the result in the hidden field `altcha`.
 *
 * Challenges are signed with HMAC keys derived from the tip KEK (HKDF-SHA-256, one label each),
 * so there is no extra secret to configure; they expire after CHALLENGE_TTL_MS (long enough to
 * fill in the form) and each counts for one stored tip (`spendTipProof` after the commit; a
 * CappedMap of spent nonces in this process).
 *
 * Without JavaScript there is no widget: such tips, and tips whose field is missing, forged,
 * expired or spent, are accepted and stored with `proofOfWork = false` for staff to see, never
 * refused — refusing would only turn away people whose browser or connection failed, while a
 * script can always leave the field out. abuse.server.ts limits every tip per address.
 */
import { hkdfSync } from 'node:crypto';
import { CappedMap, createChallenge, randomInt, verifySolution, type Challenge, type Solution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import type { Kek } from './envelope.server.ts';

/** PBKDF2-SHA-256 with COST iterations per attempt, the counter drawn from COUNTER_RANGE. */
export const POW_ALGORITHM = 'PBKDF2/SHA-256';
const COST = 1_000;
/** The solution is a counter in this range: on average ~3,750 attempts (≈ 1–2 s on a phone). */
const COUNTER_RANGE = [2_500, 5_000] as const;
/** How long a challenge stays valid: filling in the form may take a while. */
export const CHALLENGE_TTL_MS = 2 * 60 * 60 * 1000;
/** How many spent challenges are remembered (the oldest are forgotten first). */
const SPENT_CAPACITY = 50_000;

/** What a submitted `altcha` field proved. */
export type ProofOfWorkResult =
  /** `nonce`: pass it to `spendTipProof` once the tip is stored */
  | { kind: 'verified'; nonce: string }
  /** no field (the form without JavaScript, or the widget had not finished) */
  | { kind: 'missing' }
  /** malformed, forged, wrong, expired or already used */
  | { kind: 'invalid'; reason: 'malformed' | 'signature' | 'solution' | 'expired' | 'spent' };

/** The two HMAC secrets (hex), derived from the KEK so that rotating the KEK rotates them. */
function secrets(kek: Kek): { signature: string; keySignature: string } {
  const derive = (label: string) => Buffer.from(hkdfSync('sha256', kek.key, Buffer.alloc(0), `fangxin altcha ${label}`, 32)).toString('hex');
  return { signature: derive('challenge signature'), keySignature: derive('key signature') };
}

const spent = new CappedMap<string, number>({ maxSize: SPENT_CAPACITY });

/**
 * A new signed challenge for the widget (the JSON answer of GET /api/v1/tip-challenge), valid for
 * CHALLENGE_TTL_MS from `now`.
 */
export async function createTipChallenge(kek: Kek, now = new Date()): Promise<Challenge> {
  const s = secrets(kek);
  return createChallenge({
    algorithm: POW_ALGORITHM,
    cost: COST,
    counter: randomInt(COUNTER_RANGE[0], COUNTER_RANGE[1]),
    deriveKey,
    expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
    hmacSignatureSecret: s.signature,
    hmacKeySignatureSecret: s.keySignature,
  });
}

/** Decodes the widget's field: base64 of `{ challenge, solution }`; null when malformed. */
function decodePayload(field: string): { challenge: Challenge; solution: Solution } | null {
  if (field.length > 10_000) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(field, 'base64').toString('utf8'));
    if (typeof value !== 'object' || value === null) return null;
    const { challenge, solution } = value as { challenge?: unknown; solution?: unknown };
    if (typeof challenge !== 'object' || challenge === null || typeof solution !== 'object' || solution === null) return null;
    const parameters = (challenge as { parameters?: unknown }).parameters;
    if (typeof parameters !== 'object' || parameters === null || typeof (parameters as { nonce?: unknown }).nonce !== 'string') return null;
    return { challenge: challenge as Challenge, solution: solution as Solution };
  } catch {
    return null;
  }
}

/**
 * Checks the `altcha` field of a submission (null or '' → `missing`); a challenge already spent
 * on a stored tip is `invalid` (`spent`). Never throws.
 */
export async function verifyTipProof(kek: Kek, field: string | null | undefined): Promise<ProofOfWorkResult> {
  if (!field) return { kind: 'missing' };
  const payload = decodePayload(field.trim());
  if (!payload || payload.challenge.parameters.algorithm !== POW_ALGORITHM) return { kind: 'invalid', reason: 'malformed' };
  const s = secrets(kek);
  let result: Awaited<ReturnType<typeof verifySolution>>;
  try {
    result = await verifySolution({ challenge: payload.challenge, solution: payload.solution, deriveKey, hmacSignatureSecret: s.signature, hmacKeySignatureSecret: s.keySignature });
  } catch {
    return { kind: 'invalid', reason: 'malformed' };
  }
  if (result.expired) return { kind: 'invalid', reason: 'expired' };
  if (result.invalidSignature) return { kind: 'invalid', reason: 'signature' };
  if (!result.verified) return { kind: 'invalid', reason: 'solution' };
  const nonce = payload.challenge.parameters.nonce;
  if (spent.has(nonce)) return { kind: 'invalid', reason: 'spent' };
  return { kind: 'verified', nonce };
}

/** Marks a verified challenge as used by a stored tip; false when it already was. */
export function spendTipProof(nonce: string): boolean {
  return spent.setIfAbsent(nonce, Date.now());
}
