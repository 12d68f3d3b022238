/**
 * Astro Actions (public endpoints under /_actions/...). Each validates its input with the
 * feature's zod schema, calls one feature function and maps known failures to an ActionError.
 */
import { ActionError, defineAction } from 'astro:actions';
import { eq } from 'drizzle-orm';
import { divisions, parties } from '../db/schema.ts';
import { getConfig, getDb } from '../lib/runtime.server.ts';
import { loadKek } from '../features/tips/envelope.server.ts';
import { tipFormSchema, trackSchema } from '../features/tips/tip.ts';
import { submitTip, trackTip } from '../features/tips/tips.server.ts';
import { TIP_RATE_LIMIT } from '../features/tips/abuse.ts';
import { EvidenceError } from '../features/tips/evidence.ts';
import { clearTrackFailures, clientKey, recordTrackFailure, takeRateLimit, trackLockedUntil } from '../features/tips/abuse.server.ts';

/** The client's address, when the adapter knows it (never stored: only an HMAC of it). */
function clientAddressOf(context: { clientAddress: string }): string | null {
  try {
    return context.clientAddress || null;
  } catch {
    return null;
  }
}

function lockedMessage(until: string): string {
  const time = new Date(until).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' });
  return `查询码错误次数过多，已暂停查询，请在 ${time} 后再试。`;
}

export const server = {
  tips: {
    /** Files a tip; returns the receipt no. and the one-time access code (rendered, never stored in a cookie). */
    submit: defineAction({
      accept: 'form',
      input: tipFormSchema({
        isCounty: (code) => getDb().select({ level: divisions.level }).from(divisions).where(eq(divisions.code, code)).get()?.level === 'county',
        partyExists: (id) => getDb().select({ id: parties.id }).from(parties).where(eq(parties.id, id)).get() !== undefined,
      }),
      handler: async (input, context) => {
        const config = getConfig();
        const kek = loadKek(config.TIP_KEK, config.dataDir);
        const address = clientAddressOf(context);
        if (address) {
          const limit = takeRateLimit(getDb(), clientKey(kek, 'tip', address), config.TIP_RATE_LIMIT, TIP_RATE_LIMIT.windowMs);
          if (!limit.allowed) {
            throw new ActionError({ code: 'TOO_MANY_REQUESTS', message: `提交过于频繁：同一网络每小时最多提交${config.TIP_RATE_LIMIT}份举报，请约${Math.ceil(limit.retryAfterSec / 60)}分钟后再试。您填写的内容已保留。` });
          }
        }
        const files = await Promise.all((input.evidence ?? []).map(async (f) => ({ bytes: new Uint8Array(await f.arrayBuffer()), originalName: f.name })));
        try {
          return await submitTip(getDb(), kek, input, new Date(), { dataDir: config.dataDir, files });
        } catch (e) {
          if (e instanceof EvidenceError) throw new ActionError({ code: 'BAD_REQUEST', message: e.message });
          throw e;
        }
      },
    }),
    /** Looks a tip up by receipt no. and access code. */
    track: defineAction({
      accept: 'form',
      input: trackSchema,
      handler: async (input) => {
        const db = getDb();
        const locked = trackLockedUntil(db, input.receiptNo);
        if (locked) throw new ActionError({ code: 'TOO_MANY_REQUESTS', message: lockedMessage(locked) });
        const view = await trackTip(db, input.receiptNo, input.accessCode);
        if (!view) {
          const failure = recordTrackFailure(db, input.receiptNo);
          if (failure.delayMs) await new Promise((r) => setTimeout(r, failure.delayMs));
          if (failure.lockedUntil) throw new ActionError({ code: 'TOO_MANY_REQUESTS', message: lockedMessage(failure.lockedUntil) });
          throw new ActionError({ code: 'NOT_FOUND', message: '受理编号或查询码不正确。' });
        }
        clearTrackFailures(db, input.receiptNo);
        return view;
      },
    }),
  },
};
