/**
 * The back office's gate, run by src/middleware.ts before any /admin page or its form actions:
 * without a valid staff session every /admin page except /admin/login redirects to /admin/login
 * (with `next` = the page asked for, and `expired=1` when the browser sent a session that no longer
 * works); a user who must still change the password is sent to /admin/account. Pages and actions
 * check the session and the user's rights again themselves (authz.ts): the gate is not the only lock.
 */
import type { APIContext } from 'astro';
import { clearSessionCookie, currentStaff, hasSessionCookie } from './request.server.ts';

/** The login page. */
export const LOGIN_PATH = '/admin/login';

/** Whether `pathname` is a back-office page. */
export function isAdminPath(pathname: string): boolean {
  return pathname === '/admin' || pathname.startsWith('/admin/');
}

/** A safe page to return to after sign-in: a back-office path other than login/logout, else /admin. */
export function safeNext(value: string | null): string {
  if (!value || !/^\/admin(?:\/[a-z0-9-]+)*\/?$/u.test(value)) return '/admin';
  if (value.startsWith(LOGIN_PATH) || value.startsWith('/admin/logout')) return '/admin';
  return value;
}

/** A redirect when the request may not reach the page, else null. */
export function adminGate(context: APIContext): Response | null {
  const path = context.url.pathname;
  if (!isAdminPath(path)) return null;
  const staff = currentStaff(context);
  if (path === LOGIN_PATH || path === `${LOGIN_PATH}/`) return null;
  if (!staff) {
    const params = new URLSearchParams();
    if (hasSessionCookie(context)) {
      params.set('expired', '1');
      clearSessionCookie(context);
    }
    if (context.request.method === 'GET' && safeNext(path) !== '/admin') params.set('next', path);
    const query = params.toString();
    return context.redirect(query ? `${LOGIN_PATH}?${query}` : LOGIN_PATH, 303);
  }
  if (staff.user.mustChangePassword && !/^\/admin\/(?:account|logout)\/?$/u.test(path)) return context.redirect('/admin/account', 303);
  return null;
}
