/**
 * The staff session of an Astro request: the `fx_staff` cookie and the signed-in user, resolved
 * once per request and kept in `locals.staff`.
 *
 * Cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page or link sends it),
 * Path=/admin (the public pages never receive it; the back office's forms post to /admin pages),
 * Secure when the request came over HTTPS, Max-Age = the session's absolute lifetime. Calls to
 * `/_actions/staff.*` from outside a browser page authenticate only if they send the cookie
 * themselves, and are checked exactly like the forms.
 *
 * Known-device cookies (`fx_staff_device_<user id>`, one per account so that a shared office
 * computer keeps each user's): set at each sign-in, read only by the sign-in page (Path=/admin/login),
 * HttpOnly, SameSite=Strict, Secure over HTTPS, for SIGN_IN_THROTTLE.knownDeviceMs; see ./throttle.ts.
 */
import type { AstroCookies } from 'astro';
import { getDb } from '../../lib/runtime.server.ts';
import { resolveSession, type StaffContext } from './sessions.server.ts';
import { SESSION_LIFETIME_MS } from './staff.ts';
import { SIGN_IN_THROTTLE } from './throttle.ts';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'fx_staff';
/** Path of the session cookie: the back office. */
export const SESSION_COOKIE_PATH = '/admin';

/** What this module needs of an Astro context (APIContext, ActionAPIContext or AstroGlobal). */
export interface RequestContext {
  cookies: AstroCookies;
  locals: App.Locals;
  url: URL;
}

/** Sets the session cookie for `token`. */
export function setSessionCookie(context: RequestContext, token: string): void {
  context.cookies.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: context.url.protocol === 'https:',
    path: SESSION_COOKIE_PATH,
    maxAge: Math.floor(SESSION_LIFETIME_MS / 1000),
  });
}

const deviceCookie = (userId: number) => `fx_staff_device_${userId}`;

/** Sets the known-device cookie of account `userId` to `token` (src/features/staff/throttle.server.ts `newDeviceToken`). */
export function setDeviceCookie(context: RequestContext, userId: number, token: string): void {
  context.cookies.set(deviceCookie(userId), token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: context.url.protocol === 'https:',
    path: '/admin/login',
    maxAge: Math.floor(SIGN_IN_THROTTLE.knownDeviceMs / 1000),
  });
}

/** The known-device token the request carries for account `userId`, if any (checked by `knownDevice`). */
export function deviceTokenOf(context: RequestContext, userId: number): string | undefined {
  return context.cookies.get(deviceCookie(userId))?.value;
}

/** Removes the session cookie and forgets the request's user. */
export function clearSessionCookie(context: RequestContext): void {
  context.cookies.delete(SESSION_COOKIE, { path: SESSION_COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: context.url.protocol === 'https:' });
  context.locals.staff = null;
}

/** Whether the request carries a session cookie at all (valid or not). */
export function hasSessionCookie(context: RequestContext): boolean {
  return context.cookies.has(SESSION_COOKIE);
}

/** The signed-in staff user of the request, or null (no cookie, unknown or expired session, disabled user). */
export function currentStaff(context: RequestContext, now: Date = new Date()): StaffContext | null {
  if (context.locals.staff !== undefined) return context.locals.staff;
  const token = context.cookies.get(SESSION_COOKIE)?.value;
  const staff = token ? resolveSession(getDb(), token, now) : null;
  context.locals.staff = staff;
  return staff;
}
