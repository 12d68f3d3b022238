/**
 * Astro Actions of the staff back office (`/_actions/staff.*`, and posted by the /admin forms).
 * Every action except `login` needs a signed-in user; every one that acts on someone else asks
 * src/features/staff/authz.ts on the server. A user who must still change the password can only
 * change it or sign out. Results never carry a secret (the TOTP secret is read by the page).
 */
import { ActionError, defineAction } from 'astro:actions';
import { z } from '../lib/zod.ts';
import { getConfig, getDb } from '../lib/runtime.server.ts';
import { loadKek } from '../features/tips/envelope.server.ts';
import { admin as t } from '../i18n/admin.zh-CN.ts';
import {
  beginTotp,
  cancelTotp,
  changePassword,
  confirmTotp,
  createUser,
  disableTotp,
  setUserDisabled,
  signIn,
  StaffError,
} from '../features/staff/accounts.server.ts';
import { signOut, signOutEverywhere, type StaffContext } from '../features/staff/sessions.server.ts';
import { clearSessionCookie, currentStaff, deviceTokenOf, setDeviceCookie, setSessionCookie, type RequestContext } from '../features/staff/request.server.ts';
import { changePasswordSchema, createUserSchema, loginSchema, setUserDisabledSchema, totpConfirmSchema, totpDisableSchema } from '../features/staff/staff.ts';

function kek() {
  const config = getConfig();
  return loadKek(config.TIP_KEK, config.dataDir);
}

/**
 * The signed-in user, else UNAUTHORIZED. Unless `pendingAllowed`, a user who must change the
 * password first gets FORBIDDEN.
 */
function requireStaff(context: RequestContext, pendingAllowed = false): StaffContext {
  const staff = currentStaff(context);
  if (!staff) throw new ActionError({ code: 'UNAUTHORIZED', message: t.errors.unauthorized });
  if (staff.user.mustChangePassword && !pendingAllowed) throw new ActionError({ code: 'FORBIDDEN', message: t.account.mustChange });
  return staff;
}

function actionErrorOf(e: unknown): unknown {
  if (e instanceof StaffError) return new ActionError({ code: e.code === 'notFound' ? 'NOT_FOUND' : e.code === 'forbidden' ? 'FORBIDDEN' : 'CONFLICT', message: e.message });
  return e;
}

const empty = z.object({});

/** The client's address, when the adapter knows it (the throttle keeps only an HMAC of it). */
function clientAddressOf(context: { clientAddress: string }): string | null {
  try {
    return context.clientAddress || null;
  } catch {
    // the getter throws when the adapter gives no address
    return null;
  }
}

export const staff = {
  /**
   * Signs in; sets the session cookie and the browser's known-device cookie. Failures: UNAUTHORIZED
   * (same message for a wrong name or password), TOO_MANY_REQUESTS (held back by the throttle, with
   * the wait; or locked), FORBIDDEN (disabled), BAD_REQUEST (code needed).
   */
  login: defineAction({
    accept: 'form',
    input: loginSchema,
    handler: async (input, context) => {
      const result = await signIn(getDb(), kek(), input, new Date(), { address: clientAddressOf(context), deviceToken: (userId) => deviceTokenOf(context, userId) });
      switch (result.kind) {
        case 'ok':
          setSessionCookie(context, result.token);
          setDeviceCookie(context, result.user.id, result.deviceToken);
          context.locals.staff = undefined;
          return { ok: true as const, mustChangePassword: result.user.mustChangePassword };
        case 'failed':
          throw new ActionError({ code: 'UNAUTHORIZED', message: result.reason === 'code' ? t.login.codeWrong : t.login.failed });
        case 'codeRequired':
          throw new ActionError({ code: 'BAD_REQUEST', message: t.login.codeRequired });
        case 'throttled':
          throw new ActionError({ code: 'TOO_MANY_REQUESTS', message: t.login.throttled[result.scope](result.retryAfterSec) });
        case 'locked':
          throw new ActionError({ code: 'TOO_MANY_REQUESTS', message: t.login.locked(result.until) });
        case 'disabled':
          throw new ActionError({ code: 'FORBIDDEN', message: t.login.disabled });
      }
    },
  }),
  /** Signs this session out. */
  logout: defineAction({
    accept: 'form',
    input: empty,
    handler: (_input, context) => {
      const staff = currentStaff(context);
      if (staff) signOut(getDb(), staff);
      clearSessionCookie(context);
      return { ok: true as const };
    },
  }),
  /** Signs the user out on every device, this one included. */
  logoutEverywhere: defineAction({
    accept: 'form',
    input: empty,
    handler: (_input, context) => {
      const staff = requireStaff(context, true);
      signOutEverywhere(getDb(), staff);
      clearSessionCookie(context);
      return { ok: true as const };
    },
  }),
  /** Changes one's own password; the other sessions end. */
  changePassword: defineAction({
    accept: 'form',
    input: changePasswordSchema,
    handler: async (input, context) => {
      const staff = requireStaff(context, true);
      const result = await changePassword(getDb(), staff.user.id, staff.tokenHash, input);
      context.locals.staff = undefined;
      return result;
    },
  }),
  /** Starts TOTP enrolment (the page then shows the QR code and the secret). */
  totpBegin: defineAction({
    accept: 'form',
    input: empty,
    handler: (_input, context) => {
      const staff = requireStaff(context);
      beginTotp(getDb(), kek(), staff.user.id);
      return { ok: true as const };
    },
  }),
  /** Abandons a TOTP enrolment. */
  totpCancel: defineAction({
    accept: 'form',
    input: empty,
    handler: (_input, context) => {
      const staff = requireStaff(context);
      cancelTotp(getDb(), staff.user.id);
      return { ok: true as const };
    },
  }),
  /** Confirms TOTP enrolment with a code from the app. */
  totpConfirm: defineAction({
    accept: 'form',
    input: totpConfirmSchema,
    handler: (input, context) => {
      const staff = requireStaff(context);
      const result = confirmTotp(getDb(), kek(), staff.user.id, input.code);
      context.locals.staff = undefined;
      if (result === 'ok') return { ok: true as const };
      return { ok: false as const, fields: { code: [result === 'wrongCode' ? t.account.codeWrong : t.account.totpNotPending] } };
    },
  }),
  /** Turns TOTP off (password and a current code). */
  totpDisable: defineAction({
    accept: 'form',
    input: totpDisableSchema,
    handler: async (input, context) => {
      const staff = requireStaff(context);
      const result = await disableTotp(getDb(), kek(), staff.user.id, input.password, input.code);
      context.locals.staff = undefined;
      return result;
    },
  }),
  /** Creates a user below the actor's role, inside the actor's jurisdiction. */
  createUser: defineAction({
    accept: 'form',
    input: createUserSchema,
    handler: async (input, context) => {
      const staff = requireStaff(context);
      try {
        const result = await createUser(getDb(), staff.actor, input);
        return result.ok ? { ok: true as const, username: result.user.username, displayName: result.user.displayName } : result;
      } catch (e) {
        throw actionErrorOf(e);
      }
    },
  }),
  /** Disables (ending their sessions) or re-enables a user the actor manages. */
  setUserDisabled: defineAction({
    accept: 'form',
    input: setUserDisabledSchema,
    handler: (input, context) => {
      const staff = requireStaff(context);
      try {
        const user = setUserDisabled(getDb(), staff.actor, input.userId, input.disabled);
        return { ok: true as const, disabled: input.disabled, username: user.username };
      } catch (e) {
        throw actionErrorOf(e);
      }
    },
  }),
};
