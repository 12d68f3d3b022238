/**
 * Astro Actions of tip handling in the back office (`/_actions/staffTips.*`, posted by the forms
 * of /admin/tips/{id}): workflow transitions and messages to the reporter. Each checks the
 * session, then the role and jurisdiction on the server (src/features/tips/workflow.server.ts →
 * authz.ts); a tip outside the user's view answers NOT_FOUND, exactly like a missing one. Results
 * carry no confidential data (a form action's result may travel in a cookie): the reporter's
 * identity and original evidence are opened by the /admin/tips/{id}/identity and
 * /admin/tips/{id}/evidence/{file} pages instead.
 */
import { ActionError, defineAction } from 'astro:actions';
import { z } from '../lib/zod.ts';
import { getConfig, getDb } from '../lib/runtime.server.ts';
import { admin } from '../i18n/admin.zh-CN.ts';
import { loadKek } from '../features/tips/envelope.server.ts';
import { currentStaff, type RequestContext } from '../features/staff/request.server.ts';
import type { StaffContext } from '../features/staff/sessions.server.ts';
import { TipAccessError } from '../features/tips/access.server.ts';
import { applyTransition, postStaffMessage } from '../features/tips/workflow.server.ts';
import { transitionFormSchema } from '../features/tips/workflow.ts';

function kek() {
  const config = getConfig();
  return loadKek(config.TIP_KEK, config.dataDir);
}

/** The signed-in user who has changed the initial password, else UNAUTHORIZED / FORBIDDEN. */
function requireStaff(context: RequestContext): StaffContext {
  const staff = currentStaff(context);
  if (!staff) throw new ActionError({ code: 'UNAUTHORIZED', message: admin.errors.unauthorized });
  if (staff.user.mustChangePassword) throw new ActionError({ code: 'FORBIDDEN', message: admin.account.mustChange });
  return staff;
}

/** A workflow refusal as an ActionError (Chinese message kept); anything else unchanged. */
function actionErrorOf(e: unknown): unknown {
  if (!(e instanceof TipAccessError)) return e;
  const code = e.code === 'notFound' ? 'NOT_FOUND' : e.code === 'forbidden' ? 'FORBIDDEN' : 'CONFLICT';
  return new ActionError({ code, message: e.message });
}

export const staffTips = {
  /**
   * Makes one workflow transition (src/features/tips/workflow.ts): `{ ok: true, status }`, or
   * `{ ok: false, fields }` with Chinese problems per field (nothing written). Failures:
   * UNAUTHORIZED, FORBIDDEN (role or jurisdiction), NOT_FOUND (no such tip in view), CONFLICT
   * (changed meanwhile, not allowed from the tip's status, or refused by a rule), BAD_REQUEST
   * with field errors (the form's schema).
   */
  transition: defineAction({
    accept: 'form',
    input: transitionFormSchema,
    handler: (input, context) => {
      const staff = requireStaff(context);
      try {
        return applyTransition(getDb(), kek(), staff.actor, input);
      } catch (e) {
        throw actionErrorOf(e);
      }
    },
  }),
  /** Posts a message to the reporter: `{ ok: true }` or `{ ok: false, fields: { text } }`; failures as `transition`. */
  message: defineAction({
    accept: 'form',
    input: z.object({
      tipId: z.coerce.number().int().positive(),
      text: z
        .string()
        .nullish()
        .transform((v) => (v ?? '').slice(0, 20_000)),
    }),
    handler: (input, context) => {
      const staff = requireStaff(context);
      try {
        const result = postStaffMessage(getDb(), kek(), staff.actor, input.tipId, input.text);
        return result.ok ? { ok: true as const } : result;
      } catch (e) {
        throw actionErrorOf(e);
      }
    },
  }),
};
