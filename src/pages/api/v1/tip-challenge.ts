import type { APIRoute } from 'astro';
import { getConfig } from '../../../lib/runtime.server.ts';
import { loadKek } from '../../../features/tips/envelope.server.ts';
import { createTipChallenge } from '../../../features/tips/proof-of-work.server.ts';

/**
 * GET /api/v1/tip-challenge — a fresh signed proof-of-work challenge for the tip form's ALTCHA
 * widget: `{ parameters: { algorithm, nonce, salt, cost, keyLength, keyPrefix, keySignature,
 * expiresAt }, signature }` (altcha-lib v2). Never cached.
 */
export const GET: APIRoute = async () => {
  const config = getConfig();
  const challenge = await createTipChallenge(loadKek(config.TIP_KEK, config.dataDir));
  return new Response(JSON.stringify(challenge), { headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' } });
};
