/**
 * The tip form's proof of work (src/features/tips/proof-of-work.server.ts): a challenge solved
 * with altcha-lib's own solver (what the widget runs in the browser) verifies once; tampered,
 * expired, malformed and spent answers do not; a tip stores whether it was verified.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { afterAll, describe, expect, it } from 'vitest';
import { tips } from '../../src/db/schema.ts';
import { loadKek } from '../../src/features/tips/envelope.server.ts';
import { CHALLENGE_TTL_MS, createTipChallenge, spendTipProof, verifyTipProof } from '../../src/features/tips/proof-of-work.server.ts';
import { tipFormSchema } from '../../src/features/tips/tip.ts';
import { submitTip } from '../../src/features/tips/tips.server.ts';
import { TODAY, freshDb } from './helpers.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fangxin-pow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const kek = loadKek(undefined, dir);

/** Solves `challenge` as the widget does and encodes its field: base64 of `{ challenge, solution }`. */
async function solve(challenge: Challenge): Promise<string> {
  const solution = await solveChallenge({ challenge, deriveKey, timeout: 60_000 });
  if (!solution) throw new Error('not solved');
  return Buffer.from(JSON.stringify({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution })).toString('base64');
}

describe('proof of work', () => {
  it('verifies a solved challenge until it is spent on a stored tip', async () => {
    const challenge = await createTipChallenge(kek);
    expect(challenge.parameters.algorithm).toBe('PBKDF2/SHA-256');
    expect(challenge.parameters.expiresAt).toBeGreaterThan(Date.now() / 1000 + CHALLENGE_TTL_MS / 1000 - 60);
    const field = await solve(challenge);
    const first = await verifyTipProof(kek, field);
    expect(first.kind).toBe('verified');
    // a refused submission (bad file…) does not spend it: the same answer verifies again
    expect((await verifyTipProof(kek, field)).kind).toBe('verified');
    if (first.kind !== 'verified') throw new Error('unreachable');
    expect(spendTipProof(first.nonce)).toBe(true);
    expect(spendTipProof(first.nonce)).toBe(false);
    expect(await verifyTipProof(kek, field)).toEqual({ kind: 'invalid', reason: 'spent' });
  }, 120_000);

  it('refuses tampered, expired and malformed answers, and reports a missing one', async () => {
    const challenge = await createTipChallenge(kek);
    const field = await solve(challenge);
    const decoded = JSON.parse(Buffer.from(field, 'base64').toString('utf8')) as { challenge: Challenge; solution: { counter: number; derivedKey: string } };
    const easier = { ...decoded, challenge: { ...decoded.challenge, parameters: { ...decoded.challenge.parameters, cost: 1 } } };
    expect(await verifyTipProof(kek, Buffer.from(JSON.stringify(easier)).toString('base64'))).toEqual({ kind: 'invalid', reason: 'signature' });
    const wrong = { ...decoded, solution: { ...decoded.solution, derivedKey: '00'.repeat(32) } };
    expect(await verifyTipProof(kek, Buffer.from(JSON.stringify(wrong)).toString('base64'))).toEqual({ kind: 'invalid', reason: 'solution' });
    // a key other than the site's (another installation, or a rotated KEK) did not sign it
    expect((await verifyTipProof(loadKek(undefined, path.join(dir, 'other')), field)).kind).toBe('invalid');
    const old = await createTipChallenge(kek, new Date(Date.now() - CHALLENGE_TTL_MS - 1000));
    expect(await verifyTipProof(kek, await solve(old))).toEqual({ kind: 'invalid', reason: 'expired' });
    for (const junk of ['x', '<script>', Buffer.from('{"challenge":1}').toString('base64'), 'A'.repeat(20_000)]) {
      expect(await verifyTipProof(kek, junk)).toEqual({ kind: 'invalid', reason: 'malformed' });
    }
    expect(await verifyTipProof(kek, '')).toEqual({ kind: 'missing' });
    expect(await verifyTipProof(kek, null)).toEqual({ kind: 'missing' });
  }, 120_000);

  it('is stored with the tip for staff: verified or not', async () => {
    const db = freshDb();
    const form = (token: string) =>
      tipFormSchema({ today: () => TODAY }).parse({ submissionToken: token, subjectName: '无名米粉作坊', category: 'hygiene', description: '米粉晾在路边，灰尘很大。', reporterMode: 'anonymous' });
    await submitTip(db, kek, form('pow-token-0000000001'), new Date(), null, { proofOfWork: true });
    await submitTip(db, kek, form('pow-token-0000000002'), new Date());
    expect(db.select({ token: tips.submissionToken, pow: tips.proofOfWork }).from(tips).all()).toEqual([
      { token: 'pow-token-0000000001', pow: true },
      { token: 'pow-token-0000000002', pow: false },
    ]);
  });
});
