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

export const server = {
  tips: {
    /** Files a tip; returns the receipt no. and the one-time access code (rendered, never stored in a cookie). */
    submit: defineAction({
      accept: 'form',
      input: tipFormSchema({
        isCounty: (code) => getDb().select({ level: divisions.level }).from(divisions).where(eq(divisions.code, code)).get()?.level === 'county',
        partyExists: (id) => getDb().select({ id: parties.id }).from(parties).where(eq(parties.id, id)).get() !== undefined,
      }),
      handler: async (input) => {
        const config = getConfig();
        return submitTip(getDb(), loadKek(config.TIP_KEK, config.dataDir), input);
      },
    }),
    /** Looks a tip up by receipt no. and access code. */
    track: defineAction({
      accept: 'form',
      input: trackSchema,
      handler: async (input) => {
        const view = await trackTip(getDb(), input.receiptNo, input.accessCode);
        if (!view) throw new ActionError({ code: 'NOT_FOUND', message: '受理编号或查询码不正确。' });
        return view;
      },
    }),
  },
};
