/**
 * Security headers on every response, and no caching of tip pages (they show receipts and codes)
 * nor of the staff back office, whose pages first pass its gate (src/features/staff/gate.server.ts:
 * no valid session, no /admin page but the login).
 */
import { defineMiddleware } from 'astro:middleware';
import { SECURITY_HEADERS } from './lib/security-headers.ts';
import { adminGate, isAdminPath } from './features/staff/gate.server.ts';

export const onRequest = defineMiddleware(async (context, next) => {
  const response = adminGate(context) ?? (await next());
  try {
    const h = response.headers;
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) h.set(name, value);
    if (context.url.pathname.startsWith('/report') || context.url.pathname.startsWith('/_actions/tips')) h.set('Cache-Control', 'no-store');
    if (isAdminPath(context.url.pathname) || context.url.pathname.startsWith('/_actions/staff')) h.set('Cache-Control', 'no-store');
  } catch {
    // a redirect's headers are immutable; it carries no page content
  }
  return response;
});
